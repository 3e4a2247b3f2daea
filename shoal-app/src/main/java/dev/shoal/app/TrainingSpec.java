package dev.shoal.app;

import dev.shoal.data.DataSpec;
import dev.shoal.train.FitConfig;
import dev.shoal.train.LossFunction;
import dev.shoal.train.OptimizerConfig;
import java.util.Optional;

/**
 * How every node trains: the model and its local optimisation. Part of the run's identity
 * ({@link RunIdentity}); the strategy hands it to each node, with a seed of its own, in every
 * round's instruction.
 *
 * @param model a zoo name or a registered model
 * @param seed the run's seed: initialisation, and the base of each node's shuffling seed
 */
record TrainingSpec(String model, int localEpochs, int batchSize, double lr, long seed, LossFunction loss,
    OptimizerConfig optimizer, double clipNorm, Optional<DataSpec> data) {

  /** Plain SGD on the task's usual loss, on the MNIST sample (or {@code --data-dir}). */
  TrainingSpec(String model, int localEpochs, int batchSize, double lr, long seed) {
    this(model, localEpochs, batchSize, lr, seed, LossFunction.AUTO, OptimizerConfig.SGD, 0, Optional.empty());
  }

  /** Whether local training is plain SGD on the task's usual loss without clipping. */
  boolean plain() {
    return loss == LossFunction.AUTO && optimizer.equals(OptimizerConfig.SGD) && clipNorm == 0;
  }

  /** A short description of the optimisation for the console, e.g. {@code adam, loss mse, clip-norm 1.0}. */
  String optimization() {
    return optimizer.describe() + (loss == LossFunction.AUTO ? "" : ", loss " + loss.id())
        + (clipNorm > 0 ? ", clip-norm " + clipNorm : "");
  }

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
    return new FitConfig(localEpochs, batchSize, lr, seed, loss, optimizer, clipNorm);
  }
}
