package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import java.util.Map;

/** A client's answer to a {@link FitInstruction}. */
public record FitReply(String clientId, ParameterSet parameters, long numExamples, Map<String, Double> metrics) {

  public FitReply {
    metrics = Map.copyOf(metrics);
  }
}
