package dev.shoal.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Statistical checks with bounds of about ten standard errors: a correct sampler fails them with
 * probability below 1e-20, a standard deviation 10% off fails them for certain.
 */
class GaussianNoiseTest {

  static final int N = 1_000_000;

  @Test
  void aMillionDrawsHaveMeanZeroVarianceOneAndTheNormalShape() {
    GaussianNoise noise = GaussianNoise.secure();
    double sum = 0;
    double sumSq = 0;
    int withinOne = 0;
    int beyondTwo = 0;
    for (int i = 0; i < N; i++) {
      double x = noise.next();
      sum += x;
      sumSq += x * x;
      withinOne += Math.abs(x) <= 1 ? 1 : 0;
      beyondTwo += Math.abs(x) > 2 ? 1 : 0;
    }
    double mean = sum / N;
    double variance = sumSq / N - mean * mean;
    // Standard errors: mean 0.001, variance √(2/N) ≈ 0.0014, fractions ≤ 0.0005.
    assertThat(mean).isCloseTo(0, within(0.01));
    assertThat(variance).isCloseTo(1, within(0.015));
    assertThat(withinOne / (double) N).isCloseTo(0.682689, within(0.005));
    assertThat(beyondTwo / (double) N).isCloseTo(0.045500, within(0.0025));
  }

  @Test
  void addToAddsNoiseOfTheGivenStandardDeviation() {
    float[] values = new float[200_000];
    java.util.Arrays.fill(values, 5f);
    GaussianNoise.secure().addTo(values, 2.5);
    double sumSq = 0;
    for (float v : values) {
      sumSq += (v - 5.0) * (v - 5.0);
    }
    // σ̂/σ has standard error 1/√(2n) ≈ 0.0016.
    assertThat(Math.sqrt(sumSq / values.length) / 2.5).isCloseTo(1, within(0.02));
  }

  @Test
  void zeroStandardDeviationLeavesValuesAlone() {
    float[] values = {1f, -2f, 3.5f};
    GaussianNoise.secure().addTo(values, 0);
    assertThat(values).containsExactly(1f, -2f, 3.5f);
  }
}
