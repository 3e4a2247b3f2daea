package dev.shoal.secagg;

/**
 * Element-wise arithmetic on vectors of residues mod 2<sup>k</sup>, 1 ≤ k ≤ 32, held in
 * {@code int}s (two's complement wrap-around is arithmetic mod 2<sup>32</sup>; the low k bits are
 * kept).
 */
final class ModVectors {

  private ModVectors() {}

  /** {@code acc[i] = (acc[i] + x[i]) mod 2^bits}. */
  public static void addInto(int[] acc, int[] x, int bits) {
    int m = mask(bits);
    requireSameLength(acc, x);
    for (int i = 0; i < acc.length; i++) {
      acc[i] = (acc[i] + x[i]) & m;
    }
  }

  /** {@code acc[i] = (acc[i] - x[i]) mod 2^bits}. */
  public static void subtractInto(int[] acc, int[] x, int bits) {
    int m = mask(bits);
    requireSameLength(acc, x);
    for (int i = 0; i < acc.length; i++) {
      acc[i] = (acc[i] - x[i]) & m;
    }
  }

  /** The bit mask 2^bits − 1 as an int; refuses bits outside 1..32. */
  static int mask(int bits) {
    if (bits < 1 || bits > 32) {
      throw new IllegalArgumentException("the modulus is 2^k with 1 <= k <= 32, got k = " + bits);
    }
    return bits == 32 ? -1 : (1 << bits) - 1;
  }

  private static void requireSameLength(int[] a, int[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vectors differ in length: " + a.length + " and " + b.length);
    }
  }
}
