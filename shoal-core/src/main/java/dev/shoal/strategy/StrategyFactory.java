package dev.shoal.strategy;

/**
 * Makes one strategy by name. Strategies are found with {@link java.util.ServiceLoader}: each
 * strategy's file holds its factory as a nested class, listed in {@code
 * META-INF/services/dev.shoal.strategy.StrategyFactory}. See {@link Strategies}.
 */
public interface StrategyFactory {

  /** The name users choose it by ({@code --strategy NAME}), e.g. {@code fedavg}. */
  String name();

  /** One line for help texts and the docs. */
  String summary();

  /**
   * A strategy for this run.
   *
   * @throws StrategyConfigurationException when a parameter is missing, malformed or outside
   *     the strategy's conditions; the message names it and what is allowed
   */
  Strategy create(StrategyContext context, StrategyParameters parameters);
}
