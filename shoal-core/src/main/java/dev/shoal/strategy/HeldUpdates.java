package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.TensorSource;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A round's accepted updates as robust aggregation needs them: all of them, read one tensor at a
 * time across every update, so memory stays bounded by one tensor × the number of updates however
 * large the models are (an update received over the network is a file in the blob store, read
 * lazily). The updates are in client order.
 */
public final class HeldUpdates {

  private final List<String> names;
  private final List<TensorSource> updates;
  /** Row i: the updates whose mean stands for update i; null when each update stands for itself. */
  private final int[][] mixing;

  /** @param names the global model's tensor names, in its order */
  public HeldUpdates(List<String> names, List<TensorSource> updates) {
    this(names, updates, null);
  }

  private HeldUpdates(List<String> names, List<TensorSource> updates, int[][] mixing) {
    this.names = List.copyOf(names);
    this.updates = List.copyOf(updates);
    this.mixing = mixing;
  }

  /**
   * Nearest-neighbour mixing (Allouah, Farhadkhani, Guerraoui, Gupta, Pinot and Stephan, "Fixing by
   * Mixing: A Recipe for Optimal Byzantine ML under Heterogeneity", AISTATS 2023): each update
   * replaced by the mean of its {@code n − f} nearest updates, itself included (ties to the
   * earlier in client order). The paper shows that a robust rule applied to the mixed updates
   * reaches the best error bound possible when honest updates disagree because their data differ.
   * Needs n > f.
   */
  public HeldUpdates mixed(int f) {
    int n = updates.size();
    if (f < 0 || f >= n) {
      throw new IllegalArgumentException("mixing needs 0 <= f < n, got f=" + f + ", n=" + n);
    }
    double[][] d = squaredDistances();
    int[][] nearest = new int[n][];
    for (int i = 0; i < n; i++) {
      int row = i;
      nearest[i] = IntStream.range(0, n).boxed()
          .sorted(Comparator.<Integer>comparingDouble(j -> d[row][j]).thenComparingInt(j -> j))
          .limit(n - f).mapToInt(Integer::intValue).sorted().toArray();
    }
    return new HeldUpdates(names, updates, nearest);
  }

  /** The updates at {@code indices}, in that order; only of updates not mixed. */
  public HeldUpdates only(int[] indices) {
    if (mixing != null) {
      throw new IllegalStateException("choose updates before mixing them");
    }
    return new HeldUpdates(names, Arrays.stream(indices).mapToObj(updates::get).toList(), null);
  }

  public int size() {
    return updates.size();
  }

  public List<String> names() {
    return names;
  }

  /** Tensor {@code name} of every update (mixed, if these are): row i is update i's values. */
  public float[][] across(String name) {
    float[][] rows = new float[updates.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = updates.get(i).read(name).data();
    }
    return mixing == null ? rows : mix(rows);
  }

  /** Each row the mean of its mixing rows, summed in double precision. */
  private float[][] mix(float[][] rows) {
    float[][] mixed = new float[rows.length][rows[0].length];
    double[] sum = new double[rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      Arrays.fill(sum, 0);
      for (int j : mixing[i]) {
        float[] r = rows[j];
        for (int k = 0; k < sum.length; k++) {
          sum[k] += r[k];
        }
      }
      for (int k = 0; k < sum.length; k++) {
        mixed[i][k] = (float) (sum[k] / mixing[i].length);
      }
    }
    return mixed;
  }

  /** The squared Euclidean distance of every update from {@code global} over all tensors, in double precision. */
  public double[] squaredChanges(ParameterSet global) {
    double[] d = new double[updates.size()];
    for (String name : names) {
      float[][] rows = across(name);
      float[] g = global.read(name).data();
      for (int i = 0; i < rows.length; i++) {
        double s = 0;
        for (int k = 0; k < g.length; k++) {
          double diff = (double) rows[i][k] - g[k];
          s += diff * diff;
        }
        d[i] += s;
      }
    }
    return d;
  }

  /** The squared Euclidean distance between every two updates over all tensors, in double precision. */
  public double[][] squaredDistances() {
    int n = updates.size();
    double[][] d = new double[n][n];
    for (String name : names) {
      float[][] rows = across(name);
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          double s = 0;
          float[] a = rows[i];
          float[] b = rows[j];
          for (int k = 0; k < a.length; k++) {
            double diff = (double) a[k] - b[k];
            s += diff * diff;
          }
          d[i][j] += s;
          d[j][i] += s;
        }
      }
    }
    return d;
  }
}
