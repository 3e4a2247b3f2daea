package dev.shoal.train;

/** How a node trains in one round. */
public record FitConfig(int epochs, int batchSize, double learningRate, long seed) {

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
  }
}
