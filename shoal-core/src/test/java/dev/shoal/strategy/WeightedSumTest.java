package dev.shoal.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
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
  void theMeanIsTheFloat32RoundingOfTheExactMean() {
    var rng = new SplittableRandom(3);
    int n = 10_000;
    float[] global = gaussian(rng, n, 0.5, null);
    WeightedSum sum = new WeightedSum(vector(global));
    double[] exact = new double[n];
    double total = 0;
    for (int c = 0; c < 100; c++) {
      float[] x = gaussian(rng, n, 0.05, global);
      long weight = 100 + rng.nextInt(5000);
      sum.add(vector(x), weight);
      for (int i = 0; i < n; i++) {
        exact[i] += weight * (double) x[i];
      }
      total += weight;
    }
    float[] mean = sum.mean(Map.of()).read("w").data();
    int differ = 0;
    for (int i = 0; i < n; i++) {
      float rounded = (float) (exact[i] / total);
      assertThat(Math.abs(mean[i] - rounded)).isLessThanOrEqualTo(Math.ulp(rounded));
      differ += mean[i] == rounded ? 0 : 1;
    }
    // both sums round in double, some 2^-29 of a float32 step: a tie between them is rare
    assertThat(differ).isLessThanOrEqualTo(2);
  }

  @Test
  void aTreeOfRelaysSendingTheirPartialSumsFoldsAsTheFlatSet() {
    var rng = new SplittableRandom(11);
    int n = 200_000;
    float[] global = gaussian(rng, n, 0.05, null);
    List<float[]> updates = new java.util.ArrayList<>();
    long[] weights = new long[6];
    for (int c = 0; c < 6; c++) {
      updates.add(gaussian(rng, n, 0.01, global));
      weights[c] = 1200 + rng.nextInt(300);
    }
    WeightedSum flat = new WeightedSum(vector(global));
    for (int c = 0; c < 6; c++) {
      flat.add(vector(updates.get(c)), weights[c]);
    }
    float[] expected = flat.mean(Map.of()).read("w").data();

    // relay-a over {0, 1, 2}; relay-b over relay-c {3, 4} and node 5: a relay of relays
    WeightedSum b = new WeightedSum(vector(global));
    b.add(partial(global, updates, weights, 3, 4, true), weights[3] + weights[4]);
    b.add(vector(updates.get(5)), weights[5]);
    ParameterSet relayB = b.meanWithSum(subtree(weights[3] + weights[4] + weights[5]));
    WeightedSum root = new WeightedSum(vector(global));
    root.add(partial(global, updates, weights, 0, 2, true), weights[0] + weights[1] + weights[2]);
    root.add(relayB, weights[3] + weights[4] + weights[5]);
    assertThat(root.mean(Map.of()).read("w").data()).containsExactly(expected);

    // folding the float32 partial means instead misses the flat mean wherever it is a tie between two floats
    WeightedSum rounded = new WeightedSum(vector(global));
    rounded.add(partial(global, updates, weights, 0, 2, false), weights[0] + weights[1] + weights[2]);
    rounded.add(partial(global, updates, weights, 3, 5, false), weights[3] + weights[4] + weights[5]);
    float[] coarse = rounded.mean(Map.of()).read("w").data();
    assertThat(java.util.stream.IntStream.range(0, n).filter(i -> coarse[i] != expected[i]).count()).isPositive();
  }

  @Test
  void aPartialSumIsCheckedAsPartOfTheUpdate() {
    ParameterSet global = vector(new float[] {1, 2});
    WeightedSum sum = new WeightedSum(global);
    sum.add(vector(new float[] {1.5f, 2.25f}), 10);
    ParameterSet good = sum.meanWithSum(subtree(10));
    assertThat(good.names()).containsExactly("w", "subtree-sum/1/w", "subtree-sum/2/w", "subtree-sum/3/w");
    assertThatCode(() -> UpdateCheck.check(global, good, 10)).doesNotThrowAnyException();
    assertThatThrownBy(() -> UpdateCheck.check(global, good.withMetadata(Map.of()), 10))
        .hasMessageContaining("carries a relay's partial sum ('subtree-sum/…' tensors) but names no 'subtree'");
    assertThatThrownBy(() -> UpdateCheck.check(global, good.withMetadata(subtree(20)), 10))
        .hasMessageContaining("partial sum of 'w' at index 0 gives the mean 1.25, but the update holds 1.5");
    ParameterSet twoParts = new ParameterSet(good.tensors().subList(0, 3), good.metadata());
    assertThatThrownBy(() -> UpdateCheck.check(global, twoParts, 10))
        .hasMessageContaining("a relay's partial sum has 3 parts for each of the model's 1 tensors");
    List<Tensor> unsplit = new java.util.ArrayList<>(good.tensors());
    unsplit.set(2, new Tensor("subtree-sum/2/w", new int[] {2}, new float[] {0, 1}));
    assertThatThrownBy(() -> UpdateCheck.check(global, new ParameterSet(unsplit, good.metadata()), 10))
        .hasMessageContaining("partial sum of 'w' at index 1 is not split into float32 parts");
  }

  private static Map<String, String> subtree(long examples) {
    return Map.of(Subtree.METADATA, new Subtree(List.of(new Subtree.Member("n", examples, "sha256:00", "relay"))).encode());
  }

  /** The partial mean of updates {@code from..to}: as a relay sends it up, or only rounded to float32. */
  private static ParameterSet partial(float[] global, List<float[]> updates, long[] weights, int from, int to,
      boolean withSum) {
    WeightedSum sum = new WeightedSum(vector(global));
    long total = 0;
    for (int c = from; c <= to; c++) {
      sum.add(vector(updates.get(c)), weights[c]);
      total += weights[c];
    }
    return withSum ? sum.meanWithSum(subtree(total)) : sum.mean(Map.of());
  }

  private static float[] gaussian(SplittableRandom rng, int n, double sigma, float[] around) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (around == null ? 0 : around[i]) + (float) (rng.nextGaussian() * sigma);
    }
    return x;
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
