package dev.shoal.secagg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.secagg.SecAggRequest.MaskInput;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A masked upload must look uniform whatever the input. Chi-square tests on the top 8 bits of
 * 100,000 values (255 degrees of freedom) against the critical value at p = 10⁻⁶, so an honest
 * mask fails about once in a million runs, while an absent or weak mask fails every time (the
 * sanity checks below show the statistic catching them).
 */
class MaskedUploadStatisticsTest {

  private static final int LENGTH = 100_000;
  private static final int BINS = 256;
  /** Upper 10⁻⁶ quantile of χ²(255), by the Wilson–Hilferty approximation: about 377. */
  private static final double CRITICAL = criticalValue(BINS - 1, 4.753424);

  private static final SecAggParams PARAMS = SecAggParams.defaults(5);
  private static float[] zeros;
  private static float[] clipped;
  private static int[] maskedZeros;
  private static int[] maskedClip;
  private static int[] maskedZerosUnmasked;

  @BeforeAll
  static void oneRound() throws Exception {
    SecureRandom random = new SecureRandom();
    InProcessRound clients = new InProcessRound(5, LENGTH, 1, 12);
    zeros = new float[LENGTH];
    clipped = new float[LENGTH];
    Arrays.fill(clipped, (float) PARAMS.clip());
    clients.inputs.put(clients.names.get(0), zeros);
    clients.inputs.put(clients.names.get(1), clipped);
    SecAggServer server = new SecAggServer(PARAMS, 1, clients.names, LENGTH, random);
    while (server.stage() != SecAggStage.MASKED_INPUT) {
      for (var e : server.requests().entrySet()) {
        server.accept(e.getKey(), clients.call(e.getKey(), e.getValue()));
      }
      server.endStage();
    }
    SecAggClient a = clients.clients.get(clients.names.get(0));
    SecAggClient b = clients.clients.get(clients.names.get(1));
    maskedZeros = a.mask((MaskInput) server.requests().get(a.name()), zeros).masked();
    maskedClip = b.mask((MaskInput) server.requests().get(b.name()), clipped).masked();
    maskedZerosUnmasked = maskedZeros.clone();
    ModVectors.subtractInto(maskedZerosUnmasked, a.masks(LENGTH), 32);
  }

  @Test
  void theStatisticCatchesAnAbsentOrWeakMask() {
    int[] plain = PARAMS.quantizer(5).encode(zeros);
    assertThat(chiSquareUniform(plain)).isGreaterThan(CRITICAL);
    int[] weak = plain.clone(); // random low 24 bits only
    SecureRandom r = new SecureRandom();
    for (int i = 0; i < weak.length; i++) {
      weak[i] += r.nextInt(1 << 24);
    }
    assertThat(chiSquareUniform(weak)).isGreaterThan(CRITICAL);
    assertThat(chiSquareTwoSample(plain, PARAMS.quantizer(5).encode(clipped))).isGreaterThan(CRITICAL);
  }

  @Test
  void aMaskedUploadLooksUniform() {
    assertThat(chiSquareUniform(maskedZeros)).isLessThan(CRITICAL);
    assertThat(chiSquareUniform(maskedClip)).isLessThan(CRITICAL);
  }

  @Test
  void maskedUploadsOfOppositeInputsCannotBeTold() {
    assertThat(chiSquareTwoSample(maskedZeros, maskedClip)).isLessThan(CRITICAL);
  }

  @Test
  void withItsMasksRemovedAnUploadIsItsInputAndNotUniform() {
    assertThat(maskedZerosUnmasked).isEqualTo(new int[LENGTH]);
    assertThat(chiSquareUniform(maskedZerosUnmasked)).isGreaterThan(CRITICAL);
  }

  private static long[] topByteHistogram(int[] values) {
    long[] h = new long[BINS];
    for (int v : values) {
      h[v >>> 24]++;
    }
    return h;
  }

  static double chiSquareUniform(int[] values) {
    long[] h = topByteHistogram(values);
    double expected = (double) values.length / BINS;
    double chi = 0;
    for (long o : h) {
      chi += (o - expected) * (o - expected) / expected;
    }
    return chi;
  }

  /** Chi-square test of homogeneity for two samples of the same size, 255 degrees of freedom at most. */
  static double chiSquareTwoSample(int[] a, int[] b) {
    long[] ha = topByteHistogram(a);
    long[] hb = topByteHistogram(b);
    double chi = 0;
    for (int i = 0; i < BINS; i++) {
      long total = ha[i] + hb[i];
      if (total > 0) {
        chi += (double) (ha[i] - hb[i]) * (ha[i] - hb[i]) / total;
      }
    }
    return chi;
  }

  static double criticalValue(int df, double z) {
    double c = 2.0 / (9 * df);
    return df * Math.pow(1 - c + z * Math.sqrt(c), 3);
  }
}
