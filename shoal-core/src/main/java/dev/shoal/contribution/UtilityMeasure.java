package dev.shoal.contribution;

import dev.shoal.train.CentralEvaluator;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import java.util.function.ToDoubleFunction;

/** Which number of the coordinator's evaluation a coalition is worth; higher is better for both. */
public enum UtilityMeasure {
  /** Accuracy on the coordinator's data (the default). */
  ACCURACY,
  /** The loss on the coordinator's data, negated. */
  NEGATIVE_LOSS;

  public double of(Evaluation evaluation) {
    return switch (this) {
      case ACCURACY -> evaluation.accuracy();
      case NEGATIVE_LOSS -> -evaluation.loss();
    };
  }

  /** A scorer that evaluates a model with {@code evaluator} and takes this measure. */
  public ToDoubleFunction<ParameterSet> scorer(CentralEvaluator evaluator) {
    return model -> of(evaluator.evaluate(model));
  }
}
