package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.tensor.TensorSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The streaming core of FedAvg-like strategies: the weighted mean Σ wᵢ·xᵢ / Σ wᵢ in one
 * model-sized float32 buffer, however many updates are folded in.
 *
 * <p>It accumulates the weighted differences Σ wᵢ·(xᵢ − r) from a reference model r (the round's
 * global model, which updates stay close to) and adds r back at the end. Each product is formed
 * in double precision; summing small differences keeps float32 accumulation accurate to well
 * below the spread of the updates, at a third of the memory of a double-precision sum. Updates
 * are read one tensor at a time, so a file-backed update is never held whole. Folding the same
 * updates in the same order gives bit-identical results.
 */
public final class WeightedSum {

  private final ParameterSet reference;
  private final List<String> names;
  private float[][] sums;
  private double totalWeight;
  private int count;

  public WeightedSum(ParameterSet reference) {
    this.reference = reference;
    this.names = reference.names();
    this.sums = new float[names.size()][];
    for (int i = 0; i < sums.length; i++) {
      sums[i] = new float[reference.read(names.get(i)).size()];
    }
  }

  /** Adds {@code weight × parameters}; the layout must match (see {@link UpdateCheck}). */
  public void add(TensorSource parameters, double weight) {
    requireOpen();
    for (int t = 0; t < sums.length; t++) {
      float[] x = parameters.read(names.get(t)).data();
      float[] r = reference.read(names.get(t)).data();
      float[] s = sums[t];
      for (int i = 0; i < s.length; i++) {
        s[i] += (float) (weight * ((double) x[i] - r[i]));
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

  /**
   * Σ wᵢ·xᵢ / Σ wᵢ as float32 tensors with the reference's names and shapes. The result reuses
   * the sum's buffers, so this sum takes no more updates afterwards.
   */
  public ParameterSet mean(Map<String, String> metadata) {
    requireOpen();
    if (count == 0 || totalWeight <= 0) {
      throw new IllegalStateException("no weighted update was added");
    }
    List<Tensor> out = new ArrayList<>(sums.length);
    for (int t = 0; t < sums.length; t++) {
      Tensor r = reference.read(names.get(t));
      float[] s = sums[t];
      float[] base = r.data();
      for (int i = 0; i < s.length; i++) {
        s[i] = (float) (base[i] + s[i] / totalWeight);
      }
      out.add(new Tensor(r.name(), r.shape().clone(), s));
    }
    sums = null;
    return new ParameterSet(out, metadata);
  }

  private void requireOpen() {
    if (sums == null) {
      throw new IllegalStateException("the mean was already taken from this sum");
    }
  }
}
