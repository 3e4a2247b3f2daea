package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.tensor.TensorSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The core of FedAvg-like strategies: the weighted mean Σ wᵢ·xᵢ / Σ wᵢ.
 *
 * <p>It keeps the updates it is given (views: a file-backed update stays on disk, so they must stay
 * readable until the mean is taken) and folds them when the mean is taken, tensor by tensor, in the
 * order they were added: the weighted differences Σ wᵢ·(xᵢ − r) from a reference model r (the
 * round's global model) are summed in double precision and rounded to float32 once. Besides the
 * mean, one tensor's sum is all it allocates, and each update is read once, one tensor at a time.
 *
 * <p>The sum's own rounding is some 2⁻²⁹ of a float32 step, so folding the same updates in another
 * order or grouping, as relays do, almost always gives the same float32 mean bit for bit. An
 * update that carries {@link Residuals} (a relay's) is folded as hi + lo. Folding the same updates
 * in the same order gives bit-identical results.
 */
public final class WeightedSum {

  private record Part(TensorSource update, double weight) {}

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
    parts.add(new Part(parameters, weight));
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
   * The mean as {@link #mean} gives it, with each tensor's float32 rounding residual beside it
   * ({@link Residuals}): what a relay sends up so that its parent folds the subtree as precisely as
   * it would fold the subtree's nodes one by one.
   */
  public ParameterSet meanWithResiduals(Map<String, String> metadata) {
    return new ParameterSet(take(true), metadata);
  }

  private List<Tensor> take(boolean residuals) {
    requireOpen();
    if (count == 0 || totalWeight <= 0) {
      throw new IllegalStateException("no weighted update was added");
    }
    List<Tensor> out = new ArrayList<>();
    List<Tensor> lows = new ArrayList<>();
    for (Tensor r : reference.tensors()) {
      double[] s = sum(r);
      float[] base = r.data();
      float[] hi = new float[s.length];
      float[] lo = residuals ? new float[s.length] : null;
      for (int i = 0; i < s.length; i++) {
        double m = base[i] + s[i] / totalWeight;
        hi[i] = (float) m;
        if (lo != null) {
          lo[i] = (float) (m - hi[i]);
        }
      }
      out.add(new Tensor(r.name(), r.shape().clone(), hi));
      if (lo != null) {
        lows.add(new Tensor(Residuals.nameOf(r.name()), r.shape().clone(), lo));
      }
    }
    parts = null;
    out.addAll(lows);
    return out;
  }

  /** Σ wᵢ·(xᵢ − r) for one tensor r of the reference. */
  private double[] sum(Tensor reference) {
    float[] r = reference.data();
    double[] s = new double[r.length];
    for (Part part : parts) {
      float[] x = part.update().read(reference.name()).data();
      double w = part.weight();
      Optional<float[]> residual = Residuals.of(part.update(), reference.name());
      if (residual.isPresent()) {
        float[] lo = residual.get();
        for (int i = 0; i < s.length; i++) {
          s[i] += w * (((double) x[i] + lo[i]) - r[i]);
        }
      } else {
        for (int i = 0; i < s.length; i++) {
          s[i] += w * ((double) x[i] - r[i]);
        }
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
