package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.tensor.TensorSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The core of FedAvg-like strategies: the weighted mean Σ wᵢ·xᵢ / Σ wᵢ.
 *
 * <p>It keeps the updates it is given (views: a file-backed update stays on disk, so they must stay
 * readable until the mean is taken) and folds them when the mean is taken, tensor by tensor, in the
 * order they were added: the weighted differences Σ wᵢ·(xᵢ − r) from a reference model r (the
 * round's global model) are summed in double precision and rounded to float32 once. Besides the
 * mean, one tensor's sum is all it allocates, and each update is read once, one block at a time.
 *
 * <p>The sum's own rounding is some 2⁻²⁹ of a float32 step, so folding the same updates in another
 * order or grouping gives the same sum, and the same float32 mean bit for bit, when the sum is
 * exact, as it is for a model's values ({@link SubtreeSum}). A relay's update that carries its
 * partial sum is folded by adding that sum. Folding the same updates
 * in the same order gives bit-identical results.
 */
public final class WeightedSum {

  /** An update, its weight and, for a relay's partial sum, the example count the sum carries (else 0). */
  private record Part(TensorSource update, double weight, long subtreeWeight) {}

  private final ParameterSet reference;
  private List<Part> parts = new ArrayList<>();
  private double totalWeight;
  private int count;

  public WeightedSum(ParameterSet reference) {
    this.reference = reference;
  }

  /** Adds {@code weight × parameters}; the layout must match (see {@link UpdateCheck}). */
  public void add(TensorSource parameters, double weight) {
    requireOpen();
    parts.add(new Part(parameters, weight, SubtreeSum.weightOf(parameters).orElse(0L)));
    totalWeight += weight;
    count++;
  }

  public int count() {
    return count;
  }

  public double totalWeight() {
    return totalWeight;
  }

  /** Σ wᵢ·xᵢ / Σ wᵢ as float32 tensors with the reference's names and shapes; the sum takes no more updates afterwards. */
  public ParameterSet mean(Map<String, String> metadata) {
    return new ParameterSet(take(false), metadata);
  }

  /**
   * The mean as {@link #mean} gives it, with the exact sum beside it ({@link SubtreeSum}): what a
   * relay sends up, so that its parent folds the subtree as it would fold the subtree's nodes.
   */
  public ParameterSet meanWithSum(Map<String, String> metadata) {
    return new ParameterSet(take(true), metadata);
  }

  private List<Tensor> take(boolean withSum) {
    requireOpen();
    if (count == 0 || totalWeight <= 0) {
      throw new IllegalStateException("no weighted update was added");
    }
    List<Tensor> out = new ArrayList<>();
    List<Tensor> sums = new ArrayList<>();
    for (Tensor r : reference.tensors()) {
      double[] s = sum(r);
      float[] base = r.data();
      float[] hi = new float[s.length];
      for (int i = 0; i < s.length; i++) {
        hi[i] = (float) (base[i] + s[i] / totalWeight);
      }
      out.add(new Tensor(r.name(), r.shape().clone(), hi));
      if (withSum) {
        float[][] split = SubtreeSum.split(s);
        for (int p = 0; p < split.length; p++) {
          sums.add(new Tensor(SubtreeSum.nameOf(r.name(), p + 1), r.shape().clone(), split[p]));
        }
      }
    }
    parts = null;
    out.addAll(sums);
    return out;
  }

  /** Σ wᵢ·(xᵢ − r) for one tensor r of the reference. */
  private double[] sum(Tensor reference) {
    float[] r = reference.data();
    double[] s = new double[r.length];
    for (Part part : parts) {
      double w = part.weight();
      if (part.subtreeWeight() > 0) {
        SubtreeSum.addTo(s, part.update(), reference.name(), w / part.subtreeWeight());
      } else {
        part.update().scan(reference.name(), (x, from, length) -> {
          for (int i = 0; i < length; i++) {
            s[from + i] += w * ((double) x[i] - r[from + i]);
          }
        });
      }
    }
    return s;
  }

  private void requireOpen() {
    if (parts == null) {
      throw new IllegalStateException("the mean was already taken from this sum");
    }
  }
}
