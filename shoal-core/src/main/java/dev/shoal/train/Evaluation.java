package dev.shoal.train;

import java.util.Map;
import java.util.TreeMap;

/**
 * How well some parameters do on some examples: the loss, the accuracy (NaN for regression) and
 * the task's metrics by name ({@link Metrics}).
 */
public record Evaluation(long numExamples, double loss, double accuracy, Map<String, Double> metrics) {

  public Evaluation {
    metrics = Map.copyOf(metrics);
  }

  /** Loss and accuracy only. */
  public Evaluation(long numExamples, double loss, double accuracy) {
    this(numExamples, loss, accuracy, Map.of());
  }

  /** All metrics with loss and accuracy (when defined) among them, sorted by name. */
  public Map<String, Double> all() {
    Map<String, Double> all = new TreeMap<>(metrics);
    all.put(Metrics.LOSS, loss);
    if (!Double.isNaN(accuracy)) {
      all.put(Metrics.ACCURACY, accuracy);
    }
    return all;
  }
}
