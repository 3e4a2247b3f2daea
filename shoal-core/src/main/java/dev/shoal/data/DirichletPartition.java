package dev.shoal.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Label skew after Hsu, Qi and Brown, "Measuring the effects of non-identical data distribution
 * for federated visual classification" (2019), as commonly implemented: for each label, draw
 * the clients' shares from Dir(alpha, ..., alpha) and split that label's examples (shuffled)
 * by those shares, rounding the cumulative shares to whole examples.
 *
 * <p>A small alpha can leave a client with no example at all. Then the whole draw is repeated
 * with a seed derived from the seed and the attempt number, up to {@link #MAX_DRAWS} times;
 * if every draw leaves some client empty, there are too many clients for this data at this
 * alpha, and the partition fails saying so.
 */
final class DirichletPartition {

  /** Draws tried before giving up on giving every client at least one example. */
  static final int MAX_DRAWS = 1000;

  private DirichletPartition() {}

  static List<int[]> partition(int[] labels, int clients, long seed, double alpha) {
    int[][] byClass = Partitions.byClass(labels);
    for (int attempt = 0; attempt < MAX_DRAWS; attempt++) {
      Random random = new Random(Partitions.derive(seed, attempt));
      int[][] ends = new int[byClass.length][];
      int[] sizes = new int[clients];
      for (int c = 0; c < byClass.length; c++) {
        ends[c] = ends(GammaDistribution.dirichlet(alpha, clients, random), byClass[c].length);
        for (int k = 0, start = 0; k < clients; start = ends[c][k], k++) {
          sizes[k] += ends[c][k] - start;
        }
      }
      if (Arrays.stream(sizes).allMatch(size -> size > 0)) {
        return assign(byClass, ends, sizes, random);
      }
    }
    throw new IllegalArgumentException(
        ("dirichlet with alpha %s left some of %d clients without examples in each of %d draws"
                + " (%d examples, %d labels): too many clients for this data at this alpha; use"
                + " fewer clients, a larger alpha, or the shards partitioner")
            .formatted(alpha, clients, MAX_DRAWS, labels.length, byClass.length));
  }

  /** Where each client's run of a label's {@code n} examples ends, from the clients' shares. */
  private static int[] ends(double[] shares, int n) {
    int[] ends = new int[shares.length];
    double cumulative = 0;
    int previous = 0;
    for (int k = 0; k < shares.length; k++) {
      cumulative += shares[k];
      int end = k == shares.length - 1 ? n : (int) Math.min(n, Math.round(cumulative * n));
      ends[k] = Math.max(previous, end);
      previous = ends[k];
    }
    return ends;
  }

  private static List<int[]> assign(int[][] byClass, int[][] ends, int[] sizes, Random random) {
    int clients = sizes.length;
    int[][] parts = new int[clients][];
    int[] filled = new int[clients];
    for (int k = 0; k < clients; k++) {
      parts[k] = new int[sizes[k]];
    }
    for (int c = 0; c < byClass.length; c++) {
      int[] indices = byClass[c].clone();
      Partitions.shuffle(indices, random);
      for (int k = 0, start = 0; k < clients; start = ends[c][k], k++) {
        int count = ends[c][k] - start;
        System.arraycopy(indices, start, parts[k], filled[k], count);
        filled[k] += count;
      }
    }
    List<int[]> result = new ArrayList<>(clients);
    for (int[] part : parts) {
      Arrays.sort(part);
      result.add(part);
    }
    return List.copyOf(result);
  }
}
