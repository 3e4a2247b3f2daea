package dev.shoal.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedSumTest {

  static ParameterSet vector(float[] values) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {values.length}, values)));
  }

  @Test
  void float32AccumulationOfDifferencesMatchesADoublePrecisionMean() {
    var rng = new SplittableRandom(3);
    int n = 10_000;
    int clients = 100;
    float[] global = new float[n];
    for (int i = 0; i < n; i++) {
      global[i] = (float) (rng.nextGaussian() * 0.5);
    }
    WeightedSum sum = new WeightedSum(vector(global));
    double[] exact = new double[n];
    double total = 0;
    for (int c = 0; c < clients; c++) {
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        x[i] = global[i] + (float) (rng.nextGaussian() * 0.05);
      }
      long weight = 100 + rng.nextInt(5000);
      sum.add(vector(x), weight);
      for (int i = 0; i < n; i++) {
        exact[i] += weight * (double) x[i];
      }
      total += weight;
    }
    float[] mean = sum.mean(Map.of()).read("w").data();
    double worst = 0;
    for (int i = 0; i < n; i++) {
      worst = Math.max(worst, Math.abs(mean[i] - exact[i] / total));
    }
    // float32 resolution of values around 1 is 6e-8; the result stays within a few ulps.
    assertThat(worst).isLessThan(5e-7);
  }

  @Test
  void theMeanIsTakenOnce() {
    WeightedSum sum = new WeightedSum(vector(new float[] {1, 2}));
    sum.add(vector(new float[] {3, 4}), 1);
    assertThat(sum.mean(Map.of()).read("w").data()).containsExactly(3f, 4f);
    assertThatThrownBy(() -> sum.mean(Map.of())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> sum.add(vector(new float[] {3, 4}), 1)).isInstanceOf(IllegalStateException.class);
  }
}
