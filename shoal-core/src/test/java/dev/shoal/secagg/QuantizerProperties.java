package dev.shoal.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class QuantizerProperties {

  @Property(tries = 300)
  void decodedSumIsTheFloatSumWithinNSteps(
      @ForAll @IntRange(min = 1, max = 64) int n,
      @ForAll @IntRange(min = 0, max = 40) int dims,
      @ForAll @DoubleRange(min = 0.01, max = 100) double clip,
      @ForAll @IntRange(min = 1, max = 1 << 16) int levels,
      @ForAll long seed) {
    Quantizer q = new Quantizer(clip, levels, 32, n);
    Random rnd = new Random(seed);
    int[] acc = new int[dims];
    double[] exact = new double[dims];
    for (int c = 0; c < n; c++) {
      float[] v = new float[dims];
      for (int i = 0; i < dims; i++) {
        v[i] = (float) ((rnd.nextDouble() * 2 - 1) * clip);
        exact[i] += v[i];
      }
      ModVectors.addInto(acc, q.encode(v), 32);
    }
    float[] sum = q.decodeSum(acc, n);
    for (int i = 0; i < dims; i++) {
      assertThat((double) sum[i]).isCloseTo(exact[i], org.assertj.core.api.Assertions.within(n * q.step()));
    }
  }

  @Property(tries = 100)
  void masksThatCancelLeaveTheSumIntact(
      @ForAll @IntRange(min = 2, max = 10) int n,
      @ForAll @IntRange(min = 8, max = 32) int bits,
      @ForAll long seed) {
    int levels = (int) (((1L << (bits - 1)) - 1) / n);
    Quantizer q = new Quantizer(1.0, levels, bits, n);
    Random rnd = new Random(seed);
    int dims = 16;
    int[] plain = new int[dims];
    int[] masked = new int[dims];
    byte[] pairSeed = new byte[32];
    rnd.nextBytes(pairSeed);
    int[] pairMask = MaskGenerator.expand(pairSeed, dims, bits);
    for (int c = 0; c < n; c++) {
      float[] v = new float[dims];
      for (int i = 0; i < dims; i++) {
        v[i] = (float) (rnd.nextDouble() * 2 - 1);
      }
      int[] y = q.encode(v);
      ModVectors.addInto(plain, y, bits);
      if (c == 0) {
        ModVectors.addInto(y, pairMask, bits); // client 0 adds the pair's mask ...
      } else if (c == 1) {
        ModVectors.subtractInto(y, pairMask, bits); // ... and client 1 subtracts it
      }
      ModVectors.addInto(masked, y, bits);
    }
    assertThat(masked).isEqualTo(plain);
  }

  @Example
  void theExtremesDoNotWrapAround() {
    int bits = 16;
    int n = 7;
    int levels = (int) (((1L << (bits - 1)) - 1) / n); // the largest allowed
    Quantizer q = new Quantizer(2.0, levels, bits, n);
    float[] extremes = {2f, -2f, 5f, -5f, 0f};
    int[] acc = new int[extremes.length];
    for (int c = 0; c < n; c++) {
      ModVectors.addInto(acc, q.encode(extremes), bits);
    }
    assertThat(q.decodeSum(acc, n)).containsExactly(14f, -14f, 14f, -14f, 0f); // clipped to ±2
  }

  @Example
  void refusesParametersBreakingTheBoundAndSaysWhy() {
    new Quantizer(1.0, 4681, 16, 7); // 7 * 4681 = 32767 = 2^15 - 1: allowed
    assertThatThrownBy(() -> new Quantizer(1.0, 4682, 16, 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n*levels = 7*4682 = 32774")
        .hasMessageContaining("at most 2^(k-1) - 1 = 32767 for k = 16 bits")
        .hasMessageContaining("wraps around");
    assertThatThrownBy(() -> new Quantizer(1.0, 1 << 20, 32, 1 << 11))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2147483647");
  }

  @Example
  void refusesOtherBadInputs() {
    assertThatThrownBy(() -> new Quantizer(0, 10, 32, 1)).hasMessageContaining("clipping bound");
    assertThatThrownBy(() -> new Quantizer(Double.NaN, 10, 32, 1)).hasMessageContaining("clipping bound");
    assertThatThrownBy(() -> new Quantizer(1, 0, 32, 1)).hasMessageContaining("levels");
    assertThatThrownBy(() -> new Quantizer(1, 10, 33, 1)).hasMessageContaining("1 <= k <= 32");
    assertThatThrownBy(() -> new Quantizer(1, 10, 32, 0)).hasMessageContaining("maxSummands");
    Quantizer q = new Quantizer(1, 10, 32, 3);
    assertThatThrownBy(() -> q.encode(new float[] {0f, Float.NaN})).hasMessageContaining("index 1");
    assertThatThrownBy(() -> q.decodeSum(new int[1], 4)).hasMessageContaining("1..3");
  }
}
