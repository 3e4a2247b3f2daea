package dev.shoal.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FedAvgTest {

  static ParameterSet params(float... w) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {w.length}, w)));
  }

  final FedAvg fedAvg = new FedAvg(new FitConfig(1, 10, 0.1, 42), 1.0, 1, 0.0);

  @Test
  void weightsByExampleCountOverTheClientsThatReturned() throws Exception {
    FitAggregation agg = fedAvg.beginFit(1, params(0, 0));
    agg.add(new FitReply("a", params(1, 10), 100, Map.of()));
    agg.add(new FitReply("b", params(3, 20), 300, Map.of()));
    assertThat(agg.count()).isEqualTo(2);
    // (100·1 + 300·3) / 400 = 2.5 ; (100·10 + 300·20) / 400 = 17.5
    assertThat(agg.result().tensor("w").orElseThrow().data()).containsExactly(2.5f, 17.5f);
    assertThat(agg.result().metadata()).containsEntry("round", "1");
  }

  @Test
  void samplesTheRequestedFractionWithAMinimum() {
    List<String> ids = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    var half = new FedAvg(new FitConfig(1, 10, 0.1, 42), 0.5, 1, 0.0);
    assertThat(half.configureFit(1, params(0), ids, new SplittableRandom(1))).hasSize(5);
    var tiny = new FedAvg(new FitConfig(1, 10, 0.1, 42), 0.1, 3, 0.0);
    assertThat(tiny.configureFit(1, params(0), ids, new SplittableRandom(1))).hasSize(3);
    assertThat(tiny.configureFit(1, params(0), List.of("a", "b"), new SplittableRandom(1))).hasSize(2);
  }

  @Test
  void samplingIsRepeatableAndClientsGetDistinctSeeds() {
    List<String> ids = List.of("a", "b", "c", "d", "e", "f");
    var f = new FedAvg(new FitConfig(1, 10, 0.1, 42), 0.5, 1, 0.0);
    var first = f.configureFit(2, params(0), ids, new SplittableRandom(7));
    var again = f.configureFit(2, params(0), ids, new SplittableRandom(7));
    assertThat(again).isEqualTo(first);
    assertThat(first.stream().map(i -> i.config().seed()).distinct()).hasSize(first.size());
  }

  @Test
  void refusesNonsenseFractions() {
    assertThatThrownBy(() -> new FedAvg(new FitConfig(1, 10, 0.1, 42), 0, 1, 0))
        .hasMessage("fraction must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> new FedAvg(new FitConfig(1, 10, 0.1, 42), 1.5, 1, 0))
        .hasMessage("fraction must be in (0, 1], got 1.5");
  }

  @Test
  void updateCheckNamesTheProblem() {
    ParameterSet global = params(0, 0);
    assertThatThrownBy(() -> UpdateCheck.check(global, params(1, 2, 3), 10))
        .hasMessage("tensor 'w' has shape [3], expected [2]");
    assertThatThrownBy(() -> UpdateCheck.check(global, params(1, Float.NaN), 10))
        .hasMessage("tensor 'w' holds a non-finite value (NaN) at index 1");
    assertThatThrownBy(() -> UpdateCheck.check(global, new ParameterSet(List.of(new Tensor("v", new int[] {2}, new float[2]))), 10))
        .hasMessage("tensor 'w' is missing");
    assertThatThrownBy(() -> UpdateCheck.check(global, params(1, 2), 0))
        .hasMessage("num_examples must be positive, got 0");
  }
}
