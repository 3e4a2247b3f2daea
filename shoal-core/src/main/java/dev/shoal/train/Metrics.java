package dev.shoal.train;

import dev.shoal.data.Task;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of each task, computed from a model's outputs and the true targets, the same way
 * for every engine: accuracy and macro-F1 for classification, plus ROC AUC for binary; mean
 * squared error, mean absolute error and R² for regression.
 */
public final class Metrics {

  public static final String LOSS = "loss";
  public static final String ACCURACY = "accuracy";
  public static final String MACRO_F1 = "macro_f1";
  public static final String ROC_AUC = "roc_auc";
  public static final String MSE = "mse";
  public static final String MAE = "mae";
  public static final String R2 = "r2";

  private Metrics() {}

  /** The metric names of {@code task}, loss first, in the order reports show them. */
  public static List<String> names(Task task) {
    return switch (task) {
      case CLASSIFICATION -> List.of(LOSS, ACCURACY, MACRO_F1);
      case BINARY -> List.of(LOSS, ACCURACY, MACRO_F1, ROC_AUC);
      case REGRESSION -> List.of(LOSS, MSE, MAE, R2);
    };
  }

  /** The headline metric of {@code task}: accuracy, or R² for regression. */
  public static String headline(Task task) {
    return task == Task.REGRESSION ? R2 : ACCURACY;
  }

  /**
   * The task's metrics (without the loss).
   *
   * @param outputs {@code n × width} model outputs: class logits, one logit (binary) or one value
   * @param targets {@code n} class indices or values
   * @param classes the number of classes (classification), else ignored
   */
  public static Map<String, Double> of(Task task, float[] outputs, float[] targets, int classes) {
    int n = targets.length;
    Map<String, Double> m = new LinkedHashMap<>();
    if (n == 0) {
      return m;
    }
    switch (task) {
      case CLASSIFICATION -> {
        int width = outputs.length / n;
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
          int best = 0;
          for (int c = 1; c < width; c++) {
            if (outputs[i * width + c] > outputs[i * width + best]) {
              best = c;
            }
          }
          predicted[i] = best;
        }
        classification(predicted, targets, Math.max(classes, width), m);
      }
      case BINARY -> {
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
          predicted[i] = outputs[i] > 0 ? 1 : 0;
        }
        classification(predicted, targets, 2, m);
        m.put(ROC_AUC, rocAuc(outputs, targets));
      }
      case REGRESSION -> {
        double se = 0;
        double ae = 0;
        double mean = 0;
        for (float t : targets) {
          mean += t;
        }
        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
          double d = outputs[i] - targets[i];
          se += d * d;
          ae += Math.abs(d);
          ss += (targets[i] - mean) * (targets[i] - mean);
        }
        m.put(MSE, se / n);
        m.put(MAE, ae / n);
        m.put(R2, ss == 0 ? (se == 0 ? 1.0 : 0.0) : 1 - se / ss);
      }
    }
    return m;
  }

  /** Accuracy and the unweighted mean of the per-class F1 over classes that occur in targets or predictions. */
  private static void classification(int[] predicted, float[] targets, int classes, Map<String, Double> m) {
    long[] tp = new long[classes];
    long[] fp = new long[classes];
    long[] fn = new long[classes];
    long correct = 0;
    for (int i = 0; i < predicted.length; i++) {
      int t = (int) targets[i];
      int p = predicted[i];
      if (p == t) {
        correct++;
        tp[t]++;
      } else {
        fp[p]++;
        fn[t]++;
      }
    }
    double f1Sum = 0;
    int present = 0;
    for (int c = 0; c < classes; c++) {
      if (tp[c] + fp[c] + fn[c] == 0) {
        continue;
      }
      present++;
      f1Sum += 2.0 * tp[c] / (2.0 * tp[c] + fp[c] + fn[c]);
    }
    m.put(ACCURACY, (double) correct / predicted.length);
    m.put(MACRO_F1, present == 0 ? 0 : f1Sum / present);
  }

  /**
   * The area under the ROC curve: the probability that a positive example scores above a
   * negative one, ties counting half (Mann–Whitney U over average ranks). NaN when one class is
   * absent.
   */
  static double rocAuc(float[] scores, float[] targets) {
    int n = targets.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
    double positiveRanks = 0;
    long positives = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (targets[order[k]] == 1) {
          positiveRanks += rank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (positiveRanks - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }
}
