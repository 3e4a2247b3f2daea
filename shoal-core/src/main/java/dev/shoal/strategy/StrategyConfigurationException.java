package dev.shoal.strategy;

/** A strategy cannot be made as asked: unknown name, bad parameter, or a condition it needs. */
public final class StrategyConfigurationException extends IllegalArgumentException {

  public StrategyConfigurationException(String message) {
    super(message);
  }
}
