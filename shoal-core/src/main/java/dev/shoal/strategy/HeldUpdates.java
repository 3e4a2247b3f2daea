package dev.shoal.strategy;

import dev.shoal.tensor.TensorSource;
import java.util.List;

/**
 * A round's accepted updates as robust aggregation needs them: all of them, read one tensor at a
 * time across every update, so memory stays bounded by one tensor × the number of updates however
 * large the models are (an update received over the network is a file in the blob store, read
 * lazily). The updates are in client order.
 */
public final class HeldUpdates {

  private final List<String> names;
  private final List<TensorSource> updates;

  /** @param names the global model's tensor names, in its order */
  public HeldUpdates(List<String> names, List<TensorSource> updates) {
    this.names = List.copyOf(names);
    this.updates = List.copyOf(updates);
  }

  public int size() {
    return updates.size();
  }

  public List<String> names() {
    return names;
  }

  /** Tensor {@code name} of every update: row i is update i's values. */
  public float[][] across(String name) {
    float[][] rows = new float[updates.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = updates.get(i).read(name).data();
    }
    return rows;
  }

  /** Tensor {@code name} of update {@code i}. */
  public float[] of(int i, String name) {
    return updates.get(i).read(name).data();
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
