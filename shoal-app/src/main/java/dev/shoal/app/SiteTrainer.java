package dev.shoal.app;

import dev.shoal.data.Schema;
import dev.shoal.djl.IncompatibleParametersException;
import dev.shoal.djl.ModelZoo;
import dev.shoal.strategy.Metadata;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Trainer;
import dev.shoal.train.TrainableParameters;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trainer a site ({@code shoal node}, {@code train-local}) uses for a global model it was
 * sent: the architecture its {@code model} metadata names, trained on the part the model's {@code
 * train_params} metadata selects, which must be the part this site was told to train ({@code
 * --train-params}); a built-in model's frozen tensors come from the seed in the model's metadata.
 * One trainer per distinct setting is kept.
 */
final class SiteTrainer {

  private final ModelZoo zoo;
  private final Schema schema;
  private final TrainableParameters own;
  private final Map<String, Trainer> made = new ConcurrentHashMap<>();

  SiteTrainer(ModelZoo zoo, Schema schema, TrainableParameters own) {
    this.zoo = zoo;
    this.schema = schema;
    this.own = own;
  }

  /**
   * The trainer of {@code architecture} for {@code global}.
   *
   * @throws IncompatibleParametersException naming both settings if the model's trained tensors
   *     are not the ones this site was told to train
   */
  Trainer trainer(String architecture, ParameterSet global) {
    TrainableParameters run = TrainableParameters.parse(global.metadata(Metadata.TRAIN_PARAMS).orElse(null));
    if (!run.equals(own)) {
      throw new IncompatibleParametersException(
          "the run trains %s but this site was started with %s; give it the run's --train-params"
              .formatted(describe(run), describe(own)));
    }
    long seed = global.metadata(Metadata.SEED).map(SiteTrainer::seed).orElse(0L);
    return made.computeIfAbsent(architecture + "\n" + run.describe() + "\n" + seed,
        k -> zoo.trainer(architecture, schema, run, seed));
  }

  private static long seed(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IncompatibleParametersException("the model's 'seed' metadata is not a number: " + text);
    }
  }

  static String describe(TrainableParameters t) {
    return t.all() ? "every tensor (no --train-params)" : "--train-params " + t.describe();
  }
}
