package dev.shoal.privacy;

import java.security.SecureRandom;

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
}
