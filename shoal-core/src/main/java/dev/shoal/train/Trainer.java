package dev.shoal.train;

import dev.shoal.data.Dataset;
import dev.shoal.tensor.ParameterSet;
import java.util.Set;

/**
 * The engine-neutral training contract. An implementation knows one model architecture and
 * one engine; it never keeps state between calls, so one trainer may serve many clients.
 */
public interface Trainer {

  /** Freshly initialised parameters, identical for identical seeds. */
  ParameterSet initialParameters(long seed);

  /** Trains from {@code parameters} on {@code data} and returns the new parameters. */
  FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config);

  /**
   * Trains as {@link #fit(ParameterSet, Dataset, FitConfig)} with {@code gradientShift} (one tensor
   * per parameter) added to every step's gradients, as SCAFFOLD's correction c − cᵢ; null for none.
   * A trainer that cannot shift its gradients refuses.
   */
  default FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config, ParameterSet gradientShift) {
    if (gradientShift == null) {
      return fit(parameters, data, config);
    }
    throw new UnsupportedOperationException("this trainer cannot shift its gradients (SCAFFOLD's control variates)");
  }

  /**
   * The open settings ({@link Settings}) this trainer acts on, such as a proximal term's
   * {@code proximal-mu}; a round that requires another one is refused before training.
   */
  default Set<String> understoodSettings() {
    return Set.of();
  }

  /** Loss, accuracy and the task's metrics of {@code parameters} on {@code data}. */
  Evaluation evaluate(ParameterSet parameters, Dataset data);

  /**
   * The whole model of {@code exchanged}, the parameters this trainer takes and returns: the same
   * set, unless the trainer trains only part of the model ({@link PartialTrainer}), when the frozen
   * rest is added.
   */
  default ParameterSet complete(ParameterSet exchanged) {
    return exchanged;
  }
}
