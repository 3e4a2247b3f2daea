package dev.shoal.data;

import java.util.List;

/** Label-distribution measures for partition tests. */
final class LabelStats {

  private LabelStats() {}

  /** How many different labels the examples at {@code indices} have. */
  static int distinctLabels(int[] labels, int[] indices) {
    boolean[] seen = new boolean[256];
    int distinct = 0;
    for (int i : indices) {
      if (!seen[labels[i] & 0xff]) {
        seen[labels[i] & 0xff] = true;
        distinct++;
      }
    }
    return distinct;
  }

  /**
   * The mean over clients of the total-variation distance between a client's label
   * distribution and the whole dataset's: 0 when every client looks like the whole, close to 1
   * when each client holds labels that are rare overall.
   */
  static double meanTotalVariation(int[] labels, List<int[]> parts) {
    double[] global = distribution(labels, allIndices(labels.length));
    double sum = 0;
    for (int[] part : parts) {
      double[] local = distribution(labels, part);
      double tv = 0;
      for (int c = 0; c < 256; c++) {
        tv += Math.abs(local[c] - global[c]);
      }
      sum += tv / 2;
    }
    return sum / parts.size();
  }

  private static double[] distribution(int[] labels, int[] indices) {
    double[] p = new double[256];
    for (int i : indices) {
      p[labels[i] & 0xff] += 1.0 / indices.length;
    }
    return p;
  }

  private static int[] allIndices(int n) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    return all;
  }
}
