package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import java.util.Map;

/**
 * How a strategy that folds sums turns a round's summed update into the next global model. FedAvg
 * adds the mean; a server optimiser (server momentum, Adam) treats the mean as a pseudo-gradient.
 * Secure aggregation and differential privacy produce only the sum, so they hand it to the
 * strategy's step ({@link Strategy#serverStep()}).
 */
@FunctionalInterface
public interface ServerStep {

  /** {@code global + sum / divisor}: federated averaging. */
  ServerStep ADD_MEAN = UpdateVector::applySum;

  /**
   * The next global model.
   *
   * @param sum the summed update in {@link UpdateVector}'s layout: Σ Δ over the model's values
   *     in {@code global.names()} order, then the summed weight
   * @param divisor what the sum is divided by to give the mean update (total weight, or the
   *     expected number of clients under differential privacy)
   */
  ParameterSet apply(ParameterSet global, float[] sum, double divisor, Map<String, String> metadata);
}
