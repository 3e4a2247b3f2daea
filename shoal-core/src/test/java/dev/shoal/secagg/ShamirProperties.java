package dev.shoal.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.secagg.Shamir.Share;
import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ShamirProperties {

  private static final SecureRandom RANDOM = new SecureRandom();

  @Property(tries = 300)
  void anyTOfTheNSharesReconstruct(
      @ForAll @Size(max = 32) byte[] secret,
      @ForAll @IntRange(min = 1, max = 12) int n,
      @ForAll @IntRange(min = 1, max = 12) int tWish,
      @ForAll @IntRange(min = 0, max = 12) int extra,
      @ForAll long seed) {
    int t = Math.min(tWish, n);
    List<Share> shares = new ArrayList<>(Shamir.split(secret, t, n, RANDOM));
    assertThat(shares).hasSize(n);
    Collections.shuffle(shares, new Random(seed));
    assertThat(Shamir.combine(shares.subList(0, t))).isEqualTo(secret);
    assertThat(Shamir.combine(shares.subList(0, Math.min(n, t + extra)))).isEqualTo(secret);
  }

  /**
   * With t − 1 shares fixed, every candidate secret s' is consistent: the polynomial through (0, s')
   * and the t − 1 shares has degree at most t − 1 and yields a t-th share that reconstructs s'.
   */
  @Property(tries = 200)
  void tMinusOneSharesAreConsistentWithAnySecret(
      @ForAll @Size(max = 32) byte[] secret,
      @ForAll @Size(max = 32) byte[] other,
      @ForAll @IntRange(min = 2, max = 10) int t,
      @ForAll @IntRange(min = 0, max = 5) int surplus,
      @ForAll long seed) {
    int n = t + surplus;
    List<Share> shares = new ArrayList<>(Shamir.split(secret, t, n, RANDOM));
    Collections.shuffle(shares, new Random(seed));
    List<Share> known = shares.subList(0, t - 1);
    Share missing = shares.get(t - 1);

    // Interpolate through (0, s') and the known shares, then evaluate at the missing share's x.
    BigInteger forged = throughZero(known, Shamir.encode(other), missing.x());
    List<Share> withForged = new ArrayList<>(known);
    withForged.add(new Share(t, missing.x(), forged));
    assertThat(Shamir.combine(withForged)).isEqualTo(other);

    List<Share> withReal = new ArrayList<>(known);
    withReal.add(missing);
    assertThat(Shamir.combine(withReal)).isEqualTo(secret);
  }

  /** The value at x of the polynomial through (0, valueAtZero) and the given shares. */
  private static BigInteger throughZero(List<Share> shares, BigInteger valueAtZero, int x) {
    // Shift every abscissa by one so that 0 becomes a legal share x (1), then interpolate.
    List<Share> shifted = new ArrayList<>();
    shifted.add(new Share(1, 1, valueAtZero));
    for (Share s : shares) {
      shifted.add(new Share(1, s.x() + 1, s.y()));
    }
    return Shamir.interpolate(shifted, BigInteger.valueOf(x + 1L));
  }

  @Property(tries = 50)
  void sharesFromDifferentSplitsAreNoticed(@ForAll @Size(max = 32) byte[] secret, @ForAll @IntRange(min = 2, max = 6) int t) {
    List<Share> a = Shamir.split(secret, t, t, RANDOM);
    List<Share> b = Shamir.split(secret, t, t, RANDOM);
    List<Share> mixed = new ArrayList<>(a.subList(0, t - 1));
    mixed.add(b.get(t - 1));
    assertThatThrownBy(() -> Shamir.combine(mixed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not reconstruct a secret");
  }

  @Example
  void edgeSecretsRoundTrip() {
    byte[] ff = new byte[32];
    Arrays.fill(ff, (byte) 0xff);
    for (byte[] secret : List.of(new byte[32], ff, new byte[0], new byte[1], new byte[] {(byte) 0x80}, new byte[] {0, 0, 1})) {
      for (int t = 1; t <= 4; t++) {
        List<Share> shares = Shamir.split(secret, t, 4, RANDOM);
        assertThat(Shamir.combine(shares.subList(4 - t, 4))).isEqualTo(secret);
      }
    }
  }

  /**
   * The y of a share is uniform in GF(p) whatever the secret: 16 buckets by the top four bits and
   * 16 by the low four bits, for the all-zero secret and for random ones. Fixed seed, loose bound
   * (chi-square with 15 degrees of freedom exceeds 37.7 with probability 0.001).
   */
  @Example
  void sharesAreUniformlyDistributed() throws NoSuchAlgorithmException {
    SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
    seeded.setSeed(20170101L);
    Random secrets = new Random(7);
    for (boolean zeroSecret : new boolean[] {true, false}) {
      long[] top = new long[16];
      long[] low = new long[16];
      int samples = 0;
      for (int i = 0; i < 3000; i++) {
        byte[] secret = new byte[32];
        if (!zeroSecret) {
          secrets.nextBytes(secret);
        }
        List<Share> shares = Shamir.split(secret, 3, 5, seeded);
        for (Share s : shares.subList(0, 2)) { // two shares of a 3-of-n split are independent
          top[s.y().shiftRight(517).intValue()]++;
          low[s.y().intValue() & 15]++;
          samples++;
        }
      }
      assertThat(chiSquare(top, samples)).as("top bits, zero secret %s", zeroSecret).isLessThan(45);
      assertThat(chiSquare(low, samples)).as("low bits, zero secret %s", zeroSecret).isLessThan(45);
    }
  }

  private static double chiSquare(long[] counts, int samples) {
    double expected = (double) samples / counts.length;
    double chi = 0;
    for (long c : counts) {
      chi += (c - expected) * (c - expected) / expected;
    }
    return chi;
  }

  @Example
  void refusesBadParameters() {
    byte[] s = new byte[16];
    assertThatThrownBy(() -> Shamir.split(s, 0, 3, RANDOM)).hasMessageContaining("at least 1, got 0");
    assertThatThrownBy(() -> Shamir.split(s, 4, 3, RANDOM)).hasMessageContaining("t = 4 exceeds the number of shares n = 3");
    assertThatThrownBy(() -> Shamir.split(new byte[33], 2, 3, RANDOM)).hasMessageContaining("at most 32 bytes, got 33");
  }

  @Example
  void refusesBadShareSets() {
    List<Share> shares = Shamir.split(new byte[] {1, 2, 3}, 3, 5, RANDOM);
    assertThatThrownBy(() -> Shamir.combine(shares.subList(0, 2)))
        .hasMessageContaining("need at least t = 3 shares to reconstruct, got 2");
    assertThatThrownBy(() -> Shamir.combine(List.of(shares.get(0), shares.get(1), shares.get(0))))
        .hasMessageContaining("same x = 1");
    assertThatThrownBy(() -> Shamir.combine(List.of()))
        .hasMessageContaining("no shares");
    List<Share> other = Shamir.split(new byte[] {1, 2, 3}, 2, 5, RANDOM);
    assertThatThrownBy(() -> Shamir.combine(List.of(shares.get(0), shares.get(1), other.get(2))))
        .hasMessageContaining("disagree on the threshold");
    assertThatThrownBy(() -> new Share(3, 0, BigInteger.ONE)).hasMessageContaining("x must be non-zero");
    assertThatThrownBy(() -> new Share(3, 1, Shamir.PRIME)).hasMessageContaining("[0, p)");
  }
}
