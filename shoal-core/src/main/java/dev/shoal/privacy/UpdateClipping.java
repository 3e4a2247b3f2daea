package dev.shoal.privacy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.TensorSource;

/**
 * L2 clipping of a client's update as DP-FedAvg needs it: the update is the difference between
 * the client's model and the round's global model, taken over all tensors jointly, and clipping
 * scales it by min(1, C/‖update‖) so its norm is at most C and its direction is kept. Norms are
 * summed in double precision. Updates are read one tensor at a time.
 */
public final class UpdateClipping {

  private UpdateClipping() {}

  /** ‖model − global‖₂ over all tensors of {@code global}; the layouts must match. */
  public static double norm(ParameterSet global, TensorSource model) {
    double sumSq = 0;
    for (String name : global.names()) {
      float[] x = model.read(name).data();
      float[] g = global.read(name).data();
      for (int i = 0; i < g.length; i++) {
        double d = (double) x[i] - g[i];
        sumSq += d * d;
      }
    }
    return Math.sqrt(sumSq);
  }

  /** ‖values‖₂, summed in double precision. */
  public static double norm(float[] values) {
    double sumSq = 0;
    for (float v : values) {
      sumSq += (double) v * v;
    }
    return Math.sqrt(sumSq);
  }

  /** The factor min(1, clip/norm) that brings a vector of L2 norm {@code norm} within {@code clip}. */
  public static double scale(double norm, double clip) {
    if (!(clip > 0)) {
      throw new IllegalArgumentException("clip norm must be > 0, got " + clip);
    }
    return norm <= clip ? 1 : clip / norm;
  }

  /**
   * The update {@code model − global} as one flat array, tensors in the order of {@code global}'s
   * names: the vector a client clips, noises and hands to secure aggregation.
   */
  public static float[] flatDelta(ParameterSet global, TensorSource model) {
    float[] out = new float[Math.toIntExact(global.parameterCount())];
    int k = 0;
    for (String name : global.names()) {
      float[] x = model.read(name).data();
      float[] g = global.read(name).data();
      for (int i = 0; i < g.length; i++) {
        out[k++] = (float) ((double) x[i] - g[i]);
      }
    }
    return out;
  }

  /** Clips {@code values} in place to L2 norm {@code clip} and returns the norm it had. */
  public static double clipInPlace(float[] values, double clip) {
    double norm = norm(values);
    double s = scale(norm, clip);
    if (s < 1) {
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (values[i] * s);
      }
    }
    return norm;
  }
}
