package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
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
 * differential privacy) every client weighs 1 and its change is clipped and noised first. A client
 * builds its vector with {@code dev.shoal.secagg.ClientVector}.
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
