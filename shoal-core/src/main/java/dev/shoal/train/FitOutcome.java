package dev.shoal.train;

import dev.shoal.tensor.ParameterSet;
import java.util.Map;

/** What local training returns: new parameters, how many examples they saw, and metrics. */
public record FitOutcome(ParameterSet parameters, long numExamples, Map<String, Double> metrics) {

  public FitOutcome {
    metrics = Map.copyOf(metrics);
  }
}
