package dev.shoal.strategy;

import dev.shoal.tensor.TensorSource;
import java.util.Map;

/**
 * A client's answer to a {@link FitInstruction}. The parameters may live in memory or in a file
 * (an uploaded update), read one tensor at a time; they are null when the client keeps its update
 * for secure aggregation (see {@link Outbound}).
 */
public record FitReply(String clientId, TensorSource parameters, long numExamples, Map<String, Double> metrics) {

  public FitReply {
    metrics = Map.copyOf(metrics);
  }
}
