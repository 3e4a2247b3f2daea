package dev.shoal.strategy;

import dev.shoal.train.Evaluation;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Example-weighted means of metrics, shared by strategies and the round engine. */
public final class WeightedMean {

  private WeightedMean() {}

  public static Evaluation ofEvaluations(List<Evaluation> evaluations) {
    long n = 0;
    double loss = 0;
    double accuracy = 0;
    for (Evaluation e : evaluations) {
      n += e.numExamples();
      loss += e.loss() * e.numExamples();
      accuracy += e.accuracy() * e.numExamples();
    }
    return n == 0 ? new Evaluation(0, Double.NaN, Double.NaN) : new Evaluation(n, loss / n, accuracy / n);
  }

  /** Per metric name, the mean over the replies that report it, weighted by example count. */
  public static Map<String, Double> ofMetrics(List<FitReply> replies) {
    Map<String, double[]> acc = new TreeMap<>();
    for (FitReply r : replies) {
      r.metrics().forEach((k, v) -> {
        double[] a = acc.computeIfAbsent(k, x -> new double[2]);
        a[0] += v * r.numExamples();
        a[1] += r.numExamples();
      });
    }
    Map<String, Double> out = new TreeMap<>();
    acc.forEach((k, a) -> out.put(k, a[1] == 0 ? Double.NaN : a[0] / a[1]));
    return out;
  }
}
