package dev.shoal.app;

import dev.shoal.train.FitConfig;

/**
 * How every node trains: the model and its local optimisation. Part of the run's identity
 * ({@link RunIdentity}); the strategy hands it to each node, with a seed of its own, in every
 * round's instruction.
 *
 * @param model a zoo name or a registered model
 * @param seed the run's seed: initialisation, and the base of each node's shuffling seed
 */
record TrainingSpec(String model, int localEpochs, int batchSize, double lr, long seed) {

  TrainingSpec {
    if (model == null || model.isBlank()) {
      throw new UserError("--model must name a model, got nothing");
    }
    if (localEpochs < 1) {
      throw new UserError("--local-epochs must be >= 1, got " + localEpochs);
    }
    if (batchSize < 1) {
      throw new UserError("--batch-size must be >= 1, got " + batchSize);
    }
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new UserError("--lr must be a positive number, got " + lr);
    }
  }

  /** The local training configuration the strategy derives each node's from. */
  FitConfig fit() {
    return new FitConfig(localEpochs, batchSize, lr, seed);
  }
}
