package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The streaming core of FedAvg-like strategies: Σ wᵢ·xᵢ and Σ wᵢ in double precision, O(model)
 * memory however many updates are folded in.
 */
public final class WeightedSum {

  private final ParameterSet layout;
  private final double[][] sums;
  private double totalWeight;
  private int count;

  public WeightedSum(ParameterSet layout) {
    this.layout = layout;
    List<Tensor> tensors = layout.tensors();
    this.sums = new double[tensors.size()][];
    for (int i = 0; i < sums.length; i++) {
      sums[i] = new double[tensors.get(i).size()];
    }
  }

  /** Adds {@code weight × parameters}; the layout must match (see {@link UpdateCheck}). */
  public void add(ParameterSet parameters, double weight) {
    List<String> names = layout.names();
    for (int t = 0; t < sums.length; t++) {
      float[] x = parameters.tensor(names.get(t)).orElseThrow().data();
      double[] s = sums[t];
      for (int i = 0; i < s.length; i++) {
        s[i] += weight * x[i];
      }
    }
    totalWeight += weight;
    count++;
  }

  public int count() {
    return count;
  }

  public double totalWeight() {
    return totalWeight;
  }

  /** Σ wᵢ·xᵢ / Σ wᵢ as float32 tensors with the layout's names and shapes. */
  public ParameterSet mean(Map<String, String> metadata) {
    if (count == 0 || totalWeight <= 0) {
      throw new IllegalStateException("no weighted update was added");
    }
    List<Tensor> layoutTensors = layout.tensors();
    List<Tensor> out = new ArrayList<>(sums.length);
    for (int t = 0; t < sums.length; t++) {
      double[] s = sums[t];
      float[] mean = new float[s.length];
      for (int i = 0; i < s.length; i++) {
        mean[i] = (float) (s[i] / totalWeight);
      }
      Tensor shape = layoutTensors.get(t);
      out.add(new Tensor(shape.name(), shape.shape().clone(), mean));
    }
    return new ParameterSet(out, metadata);
  }
}
