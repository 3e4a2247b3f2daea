package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A rule applied to each coordinate on its own: the values of one parameter across the updates,
 * sorted ascending, give that parameter's aggregate. Coordinate-wise median, trimmed mean and
 * Bulyan's last step are such rules.
 */
@FunctionalInterface
interface CoordinateRule {

  /** The aggregate of one coordinate's values, {@code sorted} ascending (at least one). */
  double apply(double[] sorted);

  /** The rule applied to every coordinate of the updates {@code chosen} (indices into {@code updates}). */
  default ParameterSet applyTo(HeldUpdates updates, int[] chosen, ParameterSet global, Map<String, String> metadata) {
    List<Tensor> out = new ArrayList<>();
    double[] column = new double[chosen.length];
    for (String name : updates.names()) {
      float[][] rows = updates.across(name);
      float[] next = new float[rows[0].length];
      for (int k = 0; k < next.length; k++) {
        for (int i = 0; i < chosen.length; i++) {
          column[i] = rows[chosen[i]][k];
        }
        Arrays.sort(column);
        next[k] = (float) apply(column);
      }
      out.add(new Tensor(name, global.read(name).shape().clone(), next));
    }
    return new ParameterSet(out, metadata);
  }

  /** The rule applied to every coordinate of all the updates. */
  default ParameterSet applyTo(HeldUpdates updates, ParameterSet global, Map<String, String> metadata) {
    int[] all = new int[updates.size()];
    Arrays.setAll(all, i -> i);
    return applyTo(updates, all, global, metadata);
  }

  /** The median: the middle value, or the mean of the two middle values. */
  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The mean of {@code sorted} without its {@code k} smallest and {@code k} largest values. */
  static double trimmedMean(double[] sorted, int k) {
    double s = 0;
    for (int i = k; i < sorted.length - k; i++) {
      s += sorted[i];
    }
    return s / (sorted.length - 2 * k);
  }

  /** The mean of the {@code count} values closest to the median (ties broken towards the lower value). */
  static double meanAroundMedian(double[] sorted, int count) {
    double m = median(sorted);
    int lo = 0;
    int hi = sorted.length - 1;
    // drop the farther end until count remain: the remaining window holds the values closest to m
    while (hi - lo + 1 > count) {
      if (m - sorted[lo] > sorted[hi] - m) {
        lo++;
      } else {
        hi--;
      }
    }
    double s = 0;
    for (int i = lo; i <= hi; i++) {
      s += sorted[i];
    }
    return s / count;
  }
}
