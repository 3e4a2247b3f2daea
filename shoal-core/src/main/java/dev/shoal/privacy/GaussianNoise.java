package dev.shoal.privacy;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Gaussian noise for differential privacy, drawn from a {@link SecureRandom}: the noise must not
 * be predictable by whoever sees the released model, so a seeded or statistical generator will
 * not do.
 *
 * <p>{@code SecureRandom.nextGaussian} asks the generator for a few bytes at a time, which is
 * slow (about ten times slower with the DRBG); this class takes random bytes in blocks and turns pairs of 53-bit uniforms into pairs of
 * normals by the Box–Muller transform. Like any floating-point sampler it only approximates the
 * Gaussian (its tails are truncated near 8.6σ and its values lie on a grid), which the DP analysis
 * ignores; see docs/privacy.md. Not thread-safe.
 */
public final class GaussianNoise {

  private static final int BLOCK = 8192;
  private static final double TWO_TO_MINUS_53 = 0x1.0p-53;

  private final SecureRandom random;
  private final byte[] bytes = new byte[BLOCK];
  private int pos = BLOCK;
  private double spare;
  private boolean hasSpare;

  /** Noise from the given generator. */
  public GaussianNoise(SecureRandom random) {
    this.random = random;
  }

  /** Noise from {@link #secureRandom()}. */
  public static GaussianNoise secure() {
    return new GaussianNoise(secureRandom());
  }

  /**
   * A NIST SP 800-90A DRBG seeded by the platform, or the platform's default {@link SecureRandom}
   * where there is none. (The "strong" instance may block on reads of /dev/random.) A million
   * draws take a fraction of a second.
   */
  public static SecureRandom secureRandom() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  /** One draw from N(0, 1). */
  public double next() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    // u1 in (0, 1], so log(u1) is finite; u2 in [0, 1).
    double u1 = (nextLong53() + 1) * TWO_TO_MINUS_53;
    double u2 = nextLong53() * TWO_TO_MINUS_53;
    double r = Math.sqrt(-2 * Math.log(u1));
    double theta = 2 * Math.PI * u2;
    spare = r * Math.sin(theta);
    hasSpare = true;
    return r * Math.cos(theta);
  }

  /** One draw from N(0, stddev²). */
  public double next(double stddev) {
    return stddev * next();
  }

  /** Adds independent N(0, stddev²) noise to every value, computed in double precision. */
  public void addTo(float[] values, double stddev) {
    if (stddev == 0) {
      return;
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (values[i] + stddev * next());
    }
  }

  private long nextLong53() {
    if (pos + 8 > BLOCK) {
      random.nextBytes(bytes);
      pos = 0;
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (bytes[pos++] & 0xFF);
    }
    return v >>> 11;
  }
}
