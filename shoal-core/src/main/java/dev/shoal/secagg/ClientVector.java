package dev.shoal.secagg;

import dev.shoal.privacy.ClientNoise;
import dev.shoal.strategy.Outbound;
import dev.shoal.strategy.UpdateVector;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.TensorSource;
import java.security.SecureRandom;

/** A client's update as the vector it adds to a secure sum, laid out as {@link UpdateVector} describes. */
final class ClientVector {

  private ClientVector() {}

  /**
   * The client's vector for {@code trained}, from {@code global}, per the outbound pipeline. The
   * client checks its own update here, since under secure aggregation nobody else can: a missing
   * tensor, a wrong size or a non-finite value is refused.
   */
  static float[] of(ParameterSet global, TensorSource trained, long numExamples, Outbound outbound,
      SecureRandom random) {
    float[] v = new float[UpdateVector.length(global)];
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
}
