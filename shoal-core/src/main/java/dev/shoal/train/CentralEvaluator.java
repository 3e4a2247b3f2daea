package dev.shoal.train;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;

/** Evaluates the global model on data the coordinator holds. */
@FunctionalInterface
public interface CentralEvaluator {

  Evaluation evaluate(ParameterSet global);
}
