package dev.shoal.secagg;

import static dev.shoal.secagg.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskGeneratorTest {

  /** NIST SP 800-38A, F.5.5 CTR-AES256.Encrypt: four blocks. */
  @Test
  void aesCtrCoreMatchesNistSp800_38aF55() throws Exception {
    byte[] key = bytes("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
    byte[] counter = bytes("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    byte[] plaintext = bytes(
        "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
            + "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710");
    byte[] ciphertext = bytes(
        "601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5"
            + "2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6");
    assertThat(MaskGenerator.aesCtr(key, counter).doFinal(plaintext)).isEqualTo(ciphertext);
  }

  @Test
  void theMaskIsTheZeroCounterKeystreamAsBigEndianWords() {
    // AES-256 of the zero block under the zero key is dc95c078 a2408989 ad48a214 92842087
    assertThat(MaskGenerator.expand(new byte[32], 4))
        .containsExactly(0xdc95c078, 0xa2408989, 0xad48a214, 0x92842087);
    assertThat(MaskGenerator.expand(new byte[32], 4, 12)).containsExactly(0x078, 0x989, 0x214, 0x087);
  }

  @Test
  void sameSeedSameStreamAndShorterIsAPrefix() {
    byte[] seed = seed(1);
    int[] longer = MaskGenerator.expand(seed, 10_000); // crosses the internal chunk boundary
    assertThat(MaskGenerator.expand(seed, 10_000)).isEqualTo(longer);
    assertThat(MaskGenerator.expand(seed, 4097)).isEqualTo(Arrays.copyOf(longer, 4097));
    assertThat(MaskGenerator.expand(seed, 0)).isEmpty();
  }

  @Test
  void differentSeedsGiveDifferentStreams() {
    int[] a = MaskGenerator.expand(seed(1), 1000);
    byte[] oneBitOff = seed(1);
    oneBitOff[31] ^= 1;
    int[] b = MaskGenerator.expand(oneBitOff, 1000);
    int equal = 0;
    for (int i = 0; i < a.length; i++) {
      equal += a[i] == b[i] ? 1 : 0;
    }
    assertThat(equal).isLessThan(3);
  }

  @Test
  void fewerBitsKeepTheLowBitsOfTheSameWords() {
    byte[] seed = seed(2);
    int[] full = MaskGenerator.expand(seed, 500);
    for (int bits : new int[] {1, 8, 17, 31}) {
      int[] reduced = MaskGenerator.expand(seed, 500, bits);
      for (int i = 0; i < full.length; i++) {
        assertThat(reduced[i]).isEqualTo(full[i] & (int) ((1L << bits) - 1));
      }
    }
  }

  @Test
  void outputIsRoughlyUniform() {
    // 2^18 bytes-worth of values in 256 buckets: chi-square with 255 degrees of freedom has mean 255
    // and standard deviation about 22.6; the bound is loose on purpose.
    int[] values = MaskGenerator.expand(seed(3), 1 << 18, 8);
    assertThat(chiSquare(values, 256)).isLessThan(400);
    int[] high = MaskGenerator.expand(seed(4), 1 << 16);
    int[] top = new int[high.length];
    for (int i = 0; i < high.length; i++) {
      top[i] = high[i] >>> 28; // the top four bits of the unsigned 32-bit values
    }
    assertThat(chiSquare(top, 16)).isLessThan(50);
  }

  @Test
  void refusesBadSeedsAndModuli() {
    assertThatThrownBy(() -> MaskGenerator.expand(new byte[16], 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes, got 16");
    assertThatThrownBy(() -> MaskGenerator.expand(new byte[32], 4, 33))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 <= k <= 32");
    assertThatThrownBy(() -> MaskGenerator.expand(new byte[32], 4, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MaskGenerator.expand(new byte[32], -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void addingAndSubtractingInPlaceIsAddingAndSubtractingTheExpandedMask() {
    for (int bits : new int[] {32, 20, 1}) {
      int[] acc = new Random(3).ints(9000).map(v -> v & ModVectors.mask(bits)).toArray();
      int[] expected = acc.clone();
      ModVectors.addInto(expected, MaskGenerator.expand(seed(2), acc.length, bits), bits);
      int[] added = acc.clone();
      MaskGenerator.addInto(added, seed(2), bits);
      assertThat(added).as("bits %d", bits).isEqualTo(expected);
      MaskGenerator.subtractInto(added, seed(2), bits);
      assertThat(added).as("bits %d", bits).isEqualTo(acc);
    }
  }

  static double chiSquare(int[] values, int buckets) {
    long[] counts = new long[buckets];
    for (int v : values) {
      counts[v]++;
    }
    double expected = (double) values.length / buckets;
    double chi = 0;
    for (long c : counts) {
      chi += (c - expected) * (c - expected) / expected;
    }
    return chi;
  }

  private static byte[] seed(long s) {
    byte[] b = new byte[32];
    new Random(s).nextBytes(b);
    return b;
  }
}
