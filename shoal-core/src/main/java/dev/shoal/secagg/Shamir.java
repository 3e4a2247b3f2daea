package dev.shoal.secagg;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Shamir's t-of-n secret sharing over the prime field GF(p), p = 2<sup>521</sup> − 1.
 *
 * <p>Why this prime: secrets are byte strings of up to 32 bytes (a seed, an X25519 private key),
 * and a 32-byte value can exceed 2<sup>255</sup> − 19, so that prime would force a split. The
 * Mersenne prime 2<sup>521</sup> − 1 holds any such secret as one field element, with room for a
 * marker: the secret {@code s} of {@code len} bytes is shared as the integer {@code 0x01 || s}
 * (big-endian), which keeps its length (leading zero bytes survive) and lets {@link #combine}
 * notice most inconsistent share sets.
 *
 * <p>{@code split} draws the t − 1 non-constant coefficients uniformly from GF(p) with the given
 * {@link SecureRandom} and hands out the points x = 1..n. Any t shares determine the secret by
 * Lagrange interpolation at 0; any t − 1 shares are consistent with every secret.
 */
final class Shamir {

  /** The field modulus, the Mersenne prime 2^521 − 1. */
  public static final BigInteger PRIME = BigInteger.ONE.shiftLeft(521).subtract(BigInteger.ONE);

  /** The longest secret, in bytes. */
  public static final int MAX_SECRET_BYTES = 32;

  /**
   * One share: the point (x, y) of the sharing polynomial, and the threshold t it was made for.
   *
   * @param threshold how many shares reconstruct the secret
   * @param x the evaluation point, 1..n, never 0
   * @param y the polynomial's value at x, in [0, p)
   */
  public record Share(int threshold, int x, BigInteger y) {
    public Share {
      if (threshold < 1) {
        throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
      }
      if (x == 0) {
        throw new IllegalArgumentException("share x must be non-zero: the polynomial's value at 0 is the secret");
      }
      if (x < 0) {
        throw new IllegalArgumentException("share x must be positive, got " + x);
      }
      if (y == null || y.signum() < 0 || y.compareTo(PRIME) >= 0) {
        throw new IllegalArgumentException("share y must be in [0, p), p = 2^521 - 1");
      }
    }
  }

  private Shamir() {}

  /**
   * Splits {@code secret} into {@code n} shares, any {@code t} of which reconstruct it.
   *
   * @throws IllegalArgumentException if the secret is longer than 32 bytes, t &lt; 1, t &gt; n,
   *     or n ≥ p
   */
  public static List<Share> split(byte[] secret, int t, int n, SecureRandom random) {
    if (secret == null || secret.length > MAX_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "a secret is at most " + MAX_SECRET_BYTES + " bytes, got " + (secret == null ? "null" : secret.length));
    }
    if (t < 1) {
      throw new IllegalArgumentException("threshold t must be at least 1, got " + t);
    }
    if (t > n) {
      throw new IllegalArgumentException("threshold t = " + t + " exceeds the number of shares n = " + n);
    }
    if (BigInteger.valueOf(n).compareTo(PRIME) >= 0) {
      // Unreachable for an int n; kept so the field's limit stays explicit.
      throw new IllegalArgumentException("n must be smaller than the field prime, got " + n);
    }
    BigInteger[] coefficients = new BigInteger[t];
    coefficients[0] = encode(secret);
    for (int i = 1; i < t; i++) {
      coefficients[i] = randomElement(random);
    }
    List<Share> shares = new ArrayList<>(n);
    for (int x = 1; x <= n; x++) {
      shares.add(new Share(t, x, evaluate(coefficients, BigInteger.valueOf(x))));
    }
    return List.copyOf(shares);
  }

  /**
   * Reconstructs the secret from at least t shares of one split.
   *
   * @throws IllegalArgumentException if there are fewer than t shares, the shares disagree on t,
   *     two shares have the same x, or the shares do not interpolate to a secret (they come from
   *     different splits or were altered)
   */
  public static byte[] combine(List<Share> shares) {
    if (shares == null || shares.isEmpty()) {
      throw new IllegalArgumentException("no shares to combine");
    }
    int t = shares.get(0).threshold();
    Set<Integer> seen = new HashSet<>();
    for (Share s : shares) {
      if (s.threshold() != t) {
        throw new IllegalArgumentException(
            "shares disagree on the threshold (" + t + " and " + s.threshold() + "): they come from different splits");
      }
      if (!seen.add(s.x())) {
        throw new IllegalArgumentException("two shares have the same x = " + s.x());
      }
    }
    if (shares.size() < t) {
      throw new IllegalArgumentException(
          "need at least t = " + t + " shares to reconstruct, got " + shares.size());
    }
    return decode(interpolate(shares, BigInteger.ZERO));
  }

  /** The value at {@code at} of the lowest-degree polynomial through the shares' points. */
  static BigInteger interpolate(List<Share> points, BigInteger at) {
    BigInteger result = BigInteger.ZERO;
    for (int i = 0; i < points.size(); i++) {
      BigInteger xi = BigInteger.valueOf(points.get(i).x());
      BigInteger num = BigInteger.ONE;
      BigInteger den = BigInteger.ONE;
      for (int j = 0; j < points.size(); j++) {
        if (j != i) {
          BigInteger xj = BigInteger.valueOf(points.get(j).x());
          num = num.multiply(at.subtract(xj)).mod(PRIME);
          den = den.multiply(xi.subtract(xj)).mod(PRIME);
        }
      }
      BigInteger term = points.get(i).y().multiply(num).mod(PRIME).multiply(den.modInverse(PRIME));
      result = result.add(term).mod(PRIME);
    }
    return result;
  }

  static BigInteger evaluate(BigInteger[] coefficients, BigInteger x) {
    BigInteger y = BigInteger.ZERO;
    for (int i = coefficients.length - 1; i >= 0; i--) {
      y = y.multiply(x).add(coefficients[i]).mod(PRIME);
    }
    return y;
  }

  static BigInteger randomElement(SecureRandom random) {
    BigInteger r;
    do {
      r = new BigInteger(PRIME.bitLength(), random);
    } while (r.compareTo(PRIME) >= 0);
    return r;
  }

  /** {@code 0x01 || secret} as a non-negative integer. */
  static BigInteger encode(byte[] secret) {
    return BigInteger.ONE.shiftLeft(8 * secret.length).or(new BigInteger(1, secret));
  }

  static byte[] decode(BigInteger value) {
    int len = (value.bitLength() - 1) / 8;
    if (value.signum() <= 0 || (value.bitLength() - 1) % 8 != 0 || len > MAX_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the shares do not reconstruct a secret: they come from different splits or were altered");
    }
    byte[] body = value.clearBit(8 * len).toByteArray(); // big-endian, possibly shorter or with a sign byte
    byte[] secret = new byte[len];
    int copy = Math.min(body.length, len);
    System.arraycopy(body, body.length - copy, secret, len - copy, copy);
    return secret;
  }
}
