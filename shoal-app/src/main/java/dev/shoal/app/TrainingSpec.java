package dev.shoal.app;

import dev.shoal.data.DataSpec;
import dev.shoal.train.FitConfig;
import dev.shoal.train.LossFunction;
import dev.shoal.train.OptimizerConfig;
import dev.shoal.data.Schema;
import dev.shoal.djl.ModelZoo;
import dev.shoal.strategy.Metadata;
import dev.shoal.train.Trainer;
import dev.shoal.train.TrainableParameters;
import java.util.LinkedHashMap;
import java.util.Map;
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
    OptimizerConfig optimizer, double clipNorm, TrainableParameters trainParams, Optional<DataSpec> data) {

  /** Plain SGD on the task's usual loss, on the MNIST sample (or {@code --data-dir}), every tensor trained. */
  TrainingSpec(String model, int localEpochs, int batchSize, double lr, long seed) {
    this(model, localEpochs, batchSize, lr, seed, LossFunction.AUTO, OptimizerConfig.SGD, 0, TrainableParameters.ALL,
        Optional.empty());
  }

  /**
   * The trainer of this spec's model for data of {@code schema}: of the tensors {@code
   * --train-params} selects, the frozen rest taken from the architecture (see {@link
   * ModelZoo#trainer(String, Schema, TrainableParameters, long)}).
   */
  Trainer trainer(Schema schema) {
    return ModelZoo.standard().trainer(model, schema, trainParams, seed);
  }

  /**
   * The initial global model's metadata: the architecture and round 0, and with {@code
   * --train-params} the trained tensors and the seed of the frozen rest, so that a node trains
   * the same part of the same model.
   */
  Map<String, String> initialMetadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Metadata.MODEL, model);
    m.put(Metadata.ROUND, "0");
    if (!trainParams.all()) {
      m.put(Metadata.TRAIN_PARAMS, trainParams.describe());
      m.put(Metadata.SEED, Long.toString(seed));
    }
    return m;
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
    java.util.Objects.requireNonNull(trainParams, "trainParams");
  }

  /** The local training configuration the strategy derives each node's from. */
  FitConfig fit() {
    return new FitConfig(localEpochs, batchSize, lr, seed, loss, optimizer, clipNorm);
  }
}
