package dev.shoal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GammaDistributionTest {

  /** Gamma(shape, 1) has mean and variance both equal to shape. */
  @ParameterizedTest
  @ValueSource(doubles = {0.05, 0.3, 1.0, 2.5, 10.0})
  void drawsHaveTheGammaMeanAndVariance(double shape) {
    Random random = new Random(7);
    int n = 40_000;
    double[] draws = new double[n];
    for (int i = 0; i < n; i++) {
      draws[i] = GammaDistribution.sample(shape, random);
    }
    double mean = Arrays.stream(draws).average().orElseThrow();
    double variance = Arrays.stream(draws).map(x -> (x - mean) * (x - mean)).sum() / (n - 1);

    assertThat(Arrays.stream(draws).allMatch(x -> x >= 0 && Double.isFinite(x))).isTrue();
    assertThat(mean).isCloseTo(shape, within(0.05 * shape));
    assertThat(variance).isCloseTo(shape, within(0.12 * shape));
  }

  @ParameterizedTest
  @ValueSource(doubles = {1e-6, 1e-3, 0.1, 1.0, 1000.0})
  void dirichletDrawsAreProbabilityVectorsEvenForTinyAlpha(double alpha) {
    double[] p = GammaDistribution.dirichlet(alpha, 100, new Random(3));

    assertThat(p).hasSize(100);
    assertThat(Arrays.stream(p).allMatch(x -> x >= 0 && x <= 1)).isTrue();
    assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void smallAlphaConcentratesTheMassLargeAlphaSpreadsIt() {
    double[] skewed = GammaDistribution.dirichlet(0.01, 10, new Random(5));
    double[] even = GammaDistribution.dirichlet(1000, 10, new Random(5));

    assertThat(Arrays.stream(skewed).max().orElseThrow()).isGreaterThan(0.9);
    assertThat(Arrays.stream(even).max().orElseThrow()).isLessThan(0.15);
  }

  @Test
  void sameSeedSameDraws() {
    assertThat(GammaDistribution.dirichlet(0.3, 20, new Random(11)))
        .containsExactly(GammaDistribution.dirichlet(0.3, 20, new Random(11)));
  }

  @Test
  void rejectsShapesThatAreNotPositive() {
    assertThatThrownBy(() -> GammaDistribution.sample(0, new Random(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gamma shape must be positive and finite, got 0.0");
  }
}
