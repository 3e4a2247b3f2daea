package dev.shoal.secagg;

/**
 * Fixed-point quantization of float values into Z<sub>2<sup>k</sup></sub>, such that the sum mod
 * 2<sup>k</sup> of up to {@code maxSummands} encoded vectors decodes to the sum of the values.
 *
 * <p>A value is clipped to [−clip, clip] and rounded to the nearest multiple of the step
 * {@code clip / levels}, giving an integer q in [−levels, levels], stored as q mod 2<sup>k</sup>
 * (two's complement). A sum of n such integers lies in [−n·levels, n·levels]; it is recovered
 * from its residue mod 2<sup>k</sup> (read as a signed k-bit number) exactly when
 *
 * <pre>  n · levels ≤ 2^(k−1) − 1.</pre>
 *
 * Parameters that break this bound are refused. Each value is off by at most step / 2 after
 * rounding, so a decoded sum of n (unclipped) values is within n · step / 2 of the true sum.
 *
 * @param clip the clipping bound c &gt; 0
 * @param levels quantization levels on each side of zero, ≥ 1 (the step is clip / levels)
 * @param bits k, the modulus is 2^k, 1 ≤ k ≤ 32
 * @param maxSummands n, the most vectors that will be summed, ≥ 1
 */
public record Quantizer(double clip, int levels, int bits, int maxSummands) {

  public Quantizer {
    if (!(clip > 0) || !Double.isFinite(clip)) {
      throw new IllegalArgumentException("the clipping bound must be positive and finite, got " + clip);
    }
    if (levels < 1) {
      throw new IllegalArgumentException("levels must be at least 1, got " + levels);
    }
    ModVectors.mask(bits);
    if (maxSummands < 1) {
      throw new IllegalArgumentException("maxSummands must be at least 1, got " + maxSummands);
    }
    long limit = (1L << (bits - 1)) - 1;
    if ((long) maxSummands * levels > limit) {
      throw new IllegalArgumentException(
          ("a sum of %d quantized values lies in [-n*levels, n*levels] with n*levels = %d*%d = %d, which must be at most "
                  + "2^(k-1) - 1 = %d for k = %d bits, or the sum wraps around mod 2^k and decodes wrongly; "
                  + "use fewer levels, fewer summands or more bits")
              .formatted(maxSummands, maxSummands, levels, (long) maxSummands * levels, limit, bits));
    }
  }

  /** The quantization step, clip / levels. */
  public double step() {
    return clip / levels;
  }

  /** Clips, quantizes and maps each value into [0, 2^k). Refuses NaN and infinite values. */
  public int[] encode(float[] values) {
    int m = ModVectors.mask(bits);
    double step = step();
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("cannot quantize the non-finite value " + v + " at index " + i);
      }
      double clipped = Math.max(-clip, Math.min(clip, v));
      long q = Math.max(-levels, Math.min(levels, Math.round(clipped / step)));
      out[i] = (int) q & m;
    }
    return out;
  }

  /**
   * Decodes the sum mod 2^k of {@code count} encoded vectors into the sum of their (clipped,
   * quantized) values.
   */
  public float[] decodeSum(int[] sum, int count) {
    if (count < 1 || count > maxSummands) {
      throw new IllegalArgumentException(
          "this quantizer decodes sums of 1.." + maxSummands + " vectors, got " + count);
    }
    long modulus = 1L << bits;
    long half = modulus >>> 1;
    double step = step();
    float[] out = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      long r = Integer.toUnsignedLong(sum[i]) & (modulus - 1);
      long signed = r >= half ? r - modulus : r;
      out[i] = (float) (signed * step);
    }
    return out;
  }
}
