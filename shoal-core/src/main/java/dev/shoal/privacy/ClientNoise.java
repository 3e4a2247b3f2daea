package dev.shoal.privacy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.tensor.TensorSource;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's part of distributed DP-FedAvg ({@link DpConfig.Mode#DISTRIBUTED}): each client
 * clips its own update and adds its share of the noise before the update leaves it, so that the
 * secure sum of the shares carries the noise the privacy guarantee needs and nobody, the
 * coordinator included, sees an unnoised update. The share's standard deviation comes from
 * {@link DpConfig#clientNoiseStddev(double)}.
 */
public final class ClientNoise {

  private ClientNoise() {}

  /**
   * A copy of the flat update {@code delta} (see {@link UpdateClipping#flatDelta}) clipped to L2
   * norm {@code clip}, with independent N(0, stddev²) noise from {@code random} added to every
   * value.
   */
  public static float[] clipAndNoise(float[] delta, double clip, double stddev, SecureRandom random) {
    if (!(stddev >= 0) || Double.isInfinite(stddev)) {
      throw new IllegalArgumentException("noise stddev must be a finite number ≥ 0, got " + stddev);
    }
    float[] out = delta.clone();
    UpdateClipping.clipInPlace(out, clip);
    new GaussianNoise(random).addTo(out, stddev);
    return out;
  }

  /**
   * For the plain (not securely aggregated) round path: {@code global} plus the clipped and
   * noised update of {@code model}, with {@link #METADATA_KEY} recording the share's standard
   * deviation, which {@link DpFedAvg} in distributed mode requires of every reply.
   */
  public static ParameterSet noisedModel(
      ParameterSet global, TensorSource model, double clip, double stddev, SecureRandom random) {
    float[] noised = clipAndNoise(UpdateClipping.flatDelta(global, model), clip, stddev, random);
    List<Tensor> out = new ArrayList<>();
    int k = 0;
    for (Tensor g : global.tensors()) {
      float[] v = new float[g.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) ((double) g.data()[i] + noised[k++]);
      }
      out.add(new Tensor(g.name(), g.shape().clone(), v));
    }
    Map<String, String> meta = new LinkedHashMap<>(model.metadata());
    meta.put(METADATA_KEY, Double.toString(stddev));
    return new ParameterSet(out, meta);
  }

  /** The metadata key of an update that carries its client's noise share: the share's stddev. */
  public static final String METADATA_KEY = "dp_client_noise_stddev";
}
