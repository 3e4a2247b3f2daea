package dev.shoal.train;

import java.util.Objects;

/**
 * How a node trains in one round: the fixed settings every trainer honours, and the round's open
 * {@link Settings} that a strategy adds (a required one the node does not understand makes it
 * refuse the round).
 */
public record FitConfig(int epochs, int batchSize, double learningRate, long seed, Settings settings) {

  public FitConfig {
    if (epochs < 1) {
      throw new IllegalArgumentException("local epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
    }
    Objects.requireNonNull(settings, "settings");
  }

  /** A configuration without open settings. */
  public FitConfig(int epochs, int batchSize, double learningRate, long seed) {
    this(epochs, batchSize, learningRate, seed, Settings.NONE);
  }

  /** The same configuration with another seed, as each client gets its own. */
  public FitConfig withSeed(long seed) {
    return new FitConfig(epochs, batchSize, learningRate, seed, settings);
  }

  public FitConfig withSettings(Settings settings) {
    return new FitConfig(epochs, batchSize, learningRate, seed, settings);
  }
}
