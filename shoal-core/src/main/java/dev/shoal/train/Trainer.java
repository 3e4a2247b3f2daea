package dev.shoal.train;

import dev.shoal.data.ImageDataset;
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
  FitOutcome fit(ParameterSet parameters, ImageDataset data, FitConfig config);

  /**
   * The open settings ({@link Settings}) this trainer acts on, such as a proximal term's
   * {@code proximal-mu}; a round that requires another one is refused before training.
   */
  default Set<String> understoodSettings() {
    return Set.of();
  }

  /** Loss and accuracy of {@code parameters} on {@code data}. */
  Evaluation evaluate(ParameterSet parameters, ImageDataset data);
}
