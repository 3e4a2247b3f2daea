package dev.shoal.strategy;

import static dev.shoal.strategy.Robust.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.tensor.ParameterSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreeRidersTest {

  private static final ParameterSet GLOBAL = model(0, 0);

  private static List<ParameterSet> updates(float... w) {
    return java.util.stream.IntStream.range(0, w.length).mapToObj(i -> model(w[i], 0)).toList();
  }

  private static float aggregate(String strategy, int minClients, List<ParameterSet> u, String... parameters) throws Exception {
    return Robust.values(Robust.fold(Robust.create(strategy, minClients, parameters), GLOBAL, u).result())[0];
  }

  @Test
  void keepsTheUpdatesThatChangedTheModelByAtLeastTheRatioOfTheMedianChange() {
    // changes 0, 1, 2, 3, 4: median 2, so 0.3 keeps those of at least 0.6, and 0.5 those of at least 1
    assertThat(FreeRiders.kept(new double[] {0, 1, 4, 9, 16}, 0.3)).containsExactly(1, 2, 3, 4);
    assertThat(FreeRiders.kept(new double[] {16, 1, 0, 9, 4}, 0.5)).containsExactly(0, 1, 3, 4);
    // at least half the updates are at or above the median: a median of 0 sets nothing aside
    assertThat(FreeRiders.kept(new double[] {0, 0, 0, 1}, 0.9)).containsExactly(0, 1, 2, 3);
  }

  @Test
  void unchangedModelsNoLongerPullTheMedianTowardsTheGlobalModel() throws Exception {
    // 7 honest updates and 3 free riders sending the global model (0) back
    List<ParameterSet> u = updates(1.0f, 1.1f, 1.2f, 1.3f, 1.4f, 1.5f, 1.6f, 0, 0, 0);
    assertThat(aggregate("fedmedian", 10, u)).isCloseTo(1.15f, within(1e-6f));
    assertThat(aggregate("fedmedian", 10, u, "min-change", "0.1")).isEqualTo(1.3f);
    // the round's metrics count them (free_riders in metrics.jsonl and the ledger); none without min-change
    FitAggregation agg = Robust.fold(Robust.create("fedmedian", 10, "min-change", "0.1"), GLOBAL, u);
    agg.result();
    assertThat(agg.metrics()).containsExactly(java.util.Map.entry("free_riders", 3.0));
    FitAggregation plain = Robust.fold(Robust.create("fedmedian", 10), GLOBAL, u);
    plain.result();
    assertThat(plain.metrics()).isEmpty();
  }

  @Test
  void eachUpdateSetAsideCountsAsOneOfTheRulesByzantineUpdates() throws Exception {
    // Bulyan f=1 over 0, 0, 1, 2, 3, 4, 10: 0.5 of the median change (2) sets the two zeros aside,
    // so f becomes 0 and Bulyan averages all five that are left
    assertThat(aggregate("bulyan", 7, updates(0, 0, 1, 2, 3, 4, 10), "f", "1", "min-change", "0.5")).isEqualTo(4f);
    // the same for the mixing: with nnm=3 and 3 set aside, every honest update mixes with all
    // seven, so each becomes their mean (5) and so does the median
    List<ParameterSet> u = updates(1, 2, 3, 4, 5, 6, 14, 0, 0, 0);
    assertThat(aggregate("fedmedian", 10, u, "nnm", "3", "min-change", "0.1")).isEqualTo(5f);
    assertThat(aggregate("fedmedian", 10, u, "nnm", "3")).isNotEqualTo(5f);
  }

  @Test
  void refusesARatioOutsideZeroToOne() {
    assertThatThrownBy(() -> Robust.create("krum", 5, "min-change", "1"))
        .hasMessageContaining("min-change must be in [0, 1)").hasMessageContaining("got min-change=1.0");
    assertThatThrownBy(() -> Robust.create("fedmedian", 5, "min-change", "-0.1")).hasMessageContaining("min-change must be in [0, 1)");
  }
}
