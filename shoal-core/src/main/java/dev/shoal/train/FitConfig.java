package dev.shoal.train;

import java.util.Objects;

/**
 * How a node trains in one round.
 *
 * @param epochs local epochs, at least 1
 * @param batchSize mini-batch size, at least 1
 * @param learningRate the optimiser's learning rate, positive
 * @param seed orders the examples (and anything else random in training)
 * @param loss the loss; {@link LossFunction#AUTO} picks the task's usual one
 * @param optimizer the optimiser and its settings
 * @param clipNorm the largest global L2 norm of a step's gradients (they are scaled down to it);
 *     0 turns clipping off
 */
public record FitConfig(
    int epochs, int batchSize, double learningRate, long seed, LossFunction loss, OptimizerConfig optimizer,
    double clipNorm) {

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
  }

  /** Plain SGD on the task's usual loss, without clipping. */
  public FitConfig(int epochs, int batchSize, double learningRate, long seed) {
    this(epochs, batchSize, learningRate, seed, LossFunction.AUTO, OptimizerConfig.SGD, 0);
  }

  /** The same settings with another seed (each client and round trains with its own). */
  public FitConfig withSeed(long other) {
    return new FitConfig(epochs, batchSize, learningRate, other, loss, optimizer, clipNorm);
  }

  /** Whether these are the settings of {@link #FitConfig(int, int, double, long)}: plain SGD, usual loss, no clipping. */
  public boolean isPlain() {
    return loss == LossFunction.AUTO && optimizer.equals(OptimizerConfig.SGD) && clipNorm == 0;
  }
}
