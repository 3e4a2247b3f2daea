package dev.shoal.strategy;

import dev.shoal.privacy.ClientNoise;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.tensor.TensorSource;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a client's update becomes the vector it adds to a secure sum, and how the sum becomes the
 * next global model. The vector is the client's change to the global model, flattened in the
 * global model's tensor order, followed by one element, the update's weight w:
 *
 * <pre>  [ w·(x − global) … , w ]</pre>
 *
 * Without clipping w = min(examples, maxExamples) / maxExamples, so the sum's last element is Σ w
 * and the mean change is the sum divided by it: FedAvg's weighted mean. With clipping (distributed
 * differential privacy) every client weighs 1 and its change is clipped and noised first.
 */
public final class UpdateVector {

  private UpdateVector() {}

  /** The vector length for a model: its parameter count plus the weight. */
  public static int length(ParameterSet global) {
    long n = global.parameterCount() + 1;
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a model of " + global.parameterCount()
          + " parameters is too large for secure aggregation, which sums one Java array");
    }
    return (int) n;
  }

  /**
   * The client's vector for {@code trained}, from {@code global}, per the outbound pipeline. The
   * client checks its own update here, since under secure aggregation nobody else can: a missing
   * tensor, a wrong size or a non-finite value is refused.
   */
  public static float[] of(ParameterSet global, TensorSource trained, long numExamples, Outbound outbound,
      SecureRandom random) {
    float[] v = new float[length(global)];
    int at = 0;
    for (String name : global.names()) {
      float[] g = global.read(name).data();
      float[] x = trained.read(name).data();
      if (x.length != g.length) {
        throw new IllegalArgumentException("tensor '%s' has %d values, the global model's %d"
            .formatted(name, x.length, g.length));
      }
      for (int i = 0; i < g.length; i++) {
        if (!Float.isFinite(x[i])) {
          throw new IllegalArgumentException("tensor '%s' holds a non-finite value (%s) at index %d"
              .formatted(name, x[i], i));
        }
        v[at++] = x[i] - g[i];
      }
    }
    double weight;
    if (outbound.clips()) {
      float[] delta = ClientNoise.clipAndNoise(
          java.util.Arrays.copyOf(v, at), outbound.clipNorm(), outbound.noiseStddev(), random);
      System.arraycopy(delta, 0, v, 0, at);
      weight = 1;
    } else {
      weight = (double) Math.min(numExamples, outbound.maxExamples()) / outbound.maxExamples();
      for (int i = 0; i < at; i++) {
        v[i] = (float) (v[i] * weight);
      }
    }
    v[at] = (float) weight;
    return v;
  }

  /** {@code global + sum[0..P) / divisor}, as float32 tensors with the global model's layout. */
  public static ParameterSet applySum(ParameterSet global, float[] sum, double divisor, Map<String, String> metadata) {
    if (sum.length != length(global)) {
      throw new IllegalArgumentException("a secure sum of " + sum.length + " values does not fit a model of "
          + global.parameterCount() + " parameters");
    }
    if (!(divisor > 0)) {
      throw new IllegalArgumentException("cannot divide a secure sum by " + divisor);
    }
    List<Tensor> out = new ArrayList<>();
    int at = 0;
    for (String name : global.names()) {
      Tensor g = global.read(name);
      float[] base = g.data();
      float[] next = new float[base.length];
      for (int i = 0; i < base.length; i++) {
        next[i] = (float) (base[i] + sum[at++] / divisor);
      }
      out.add(new Tensor(name, g.shape().clone(), next));
    }
    return new ParameterSet(out, metadata);
  }

  /** The weighted mean: {@code global + Σ w·Δ / Σ w}, Σ w being the sum's last element. */
  /** The weighted mean update {@code Σ w·Δ / Σ w} taken by {@code step}, Σ w being the sum's last element. */
  public static ParameterSet applyMean(ParameterSet global, float[] sum, Map<String, String> metadata, ServerStep step) {
    double totalWeight = sum[sum.length - 1];
    if (!(totalWeight > 0)) {
      throw new IllegalArgumentException("the secure sum carries no weight (" + totalWeight + ")");
    }
    return step.apply(global, sum, totalWeight, metadata);
  }
}
