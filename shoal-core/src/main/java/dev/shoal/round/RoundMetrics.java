package dev.shoal.round;

import java.util.Map;

/**
 * What one round produced; one line of {@code metrics.jsonl}. Losses and accuracies are NaN
 * when not measured.
 *
 * @param clients clients whose updates were aggregated
 * @param failures sampled clients that failed, timed out or were rejected
 * @param aggregated false when too few clients returned and the global model stayed as it was
 * @param extra further metrics, such as federated evaluation
 */
public record RoundMetrics(
    int round,
    int clients,
    int failures,
    boolean aggregated,
    double trainLoss,
    double testLoss,
    double testAccuracy,
    long bytesUp,
    long bytesDown,
    double seconds,
    String modelId,
    Map<String, Double> extra) {

  public RoundMetrics {
    extra = Map.copyOf(extra);
  }
}
