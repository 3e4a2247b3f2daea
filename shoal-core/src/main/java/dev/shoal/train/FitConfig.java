package dev.shoal.train;

import java.util.Objects;

/**
 * How a node trains in one round: the fixed settings every trainer honours, and the round's open
 * {@link Settings} that a strategy adds (a required one the node does not understand makes it
 * refuse the round).
 *
 * @param epochs local epochs, at least 1
 * @param batchSize mini-batch size, at least 1
 * @param learningRate the optimiser's learning rate, positive
 * @param seed orders the examples (and anything else random in training)
 * @param loss the loss; {@link LossFunction#AUTO} picks the task's usual one
 * @param optimizer the optimiser and its settings
 * @param clipNorm the largest global L2 norm of a step's gradients (they are scaled down to it);
 *     0 turns clipping off
 * @param settings the round's open settings
 */
public record FitConfig(
    int epochs, int batchSize, double learningRate, long seed, LossFunction loss, OptimizerConfig optimizer,
    double clipNorm, Settings settings) {

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
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(optimizer, "optimizer");
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("gradient clip norm must be 0 (off) or a positive number, got " + clipNorm);
    }
    Objects.requireNonNull(settings, "settings");
  }

  /** Plain SGD on the task's usual loss, without clipping or open settings. */
  public FitConfig(int epochs, int batchSize, double learningRate, long seed) {
    this(epochs, batchSize, learningRate, seed, Settings.NONE);
  }

  /** Plain SGD on the task's usual loss, without clipping, with open settings. */
  public FitConfig(int epochs, int batchSize, double learningRate, long seed, Settings settings) {
    this(epochs, batchSize, learningRate, seed, LossFunction.AUTO, OptimizerConfig.SGD, 0, settings);
  }

  /** The given loss, optimiser and clipping, without open settings. */
  public FitConfig(int epochs, int batchSize, double learningRate, long seed, LossFunction loss,
      OptimizerConfig optimizer, double clipNorm) {
    this(epochs, batchSize, learningRate, seed, loss, optimizer, clipNorm, Settings.NONE);
  }

  /** The same configuration with another seed, as each client gets its own. */
  public FitConfig withSeed(long other) {
    return new FitConfig(epochs, batchSize, learningRate, other, loss, optimizer, clipNorm, settings);
  }

  public FitConfig withSettings(Settings other) {
    return new FitConfig(epochs, batchSize, learningRate, seed, loss, optimizer, clipNorm, other);
  }

  /** Whether loss, optimiser and clipping are the defaults: plain SGD, the task's usual loss, no clipping. */
  public boolean isPlain() {
    return loss == LossFunction.AUTO && optimizer.equals(OptimizerConfig.SGD) && clipNorm == 0;
  }
}
