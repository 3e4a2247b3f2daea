package dev.shoal.strategy;

import static dev.shoal.strategy.Robust.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.tensor.ParameterSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class NearestNeighbourMixingTest {

  private static HeldUpdates held(float... w) {
    List<ParameterSet> models = new java.util.ArrayList<>();
    for (float v : w) {
      models.add(model(v, 0));
    }
    return new HeldUpdates(List.of("w", "b"), List.copyOf(models));
  }

  @Test
  void eachUpdateBecomesTheMeanOfItsNMinusFNearest() {
    // f=2 of 5: the 3 nearest, itself included. 0: {0,1,2}; 1: {0,1,2} (0 and 2 tie, both taken);
    // 2: {1,2,3}; 3: {1,2,3}; 100: {2,3,100}
    float[][] w = held(0, 1, 2, 3, 100).mixed(2).across("w");
    assertThat(Stream.of(w).map(r -> r[0]).toList()).containsExactly(1f, 1f, 2f, 2f, 35f);
  }

  @Test
  void aTieGoesToTheEarlierUpdateInClientOrder() {
    // f=1 of 3: 2 nearest. For 1, both 0 and 2 are at distance 1: 0 comes first.
    float[][] w = held(0, 1, 2).mixed(1).across("w");
    assertThat(Stream.of(w).map(r -> r[0]).toList()).containsExactly(0.5f, 0.5f, 1.5f);
  }

  @Test
  void distancesAreThoseOfTheMixedUpdates() {
    HeldUpdates mixed = held(0, 1, 2, 3, 100).mixed(2);
    assertThat(mixed.squaredDistances()[0][4]).isEqualTo(34.0 * 34.0);
  }

  @Test
  void mixingPullsSignFlippedUpdatesBackBeforeTheMedian() throws Exception {
    // 4 honest updates around 1, 3 attackers at -4: the median alone lands on the honest side's
    // lowest value (1.0); after mixing for f=3 the honest updates are their own mean (1.25) and
    // the median is that mean
    List<ParameterSet> u = Stream.of(1.0f, 1.2f, 1.3f, 1.5f, -4f, -4f, -4f).map(v -> model(v, 0)).toList();
    assertThat(Robust.values(Robust.fold(Robust.create("fedmedian", 7), model(0, 0), u).result())[0]).isEqualTo(1.0f);
    assertThat(Robust.values(Robust.fold(Robust.create("fedmedian", 7, "nnm", "3"), model(0, 0), u).result())[0])
        .isEqualTo(1.25f);
  }

  @Test
  void refusesTooFewUpdatesAndTooFewMinClientsWithTheCondition() throws Exception {
    var agg = Robust.fold(Robust.create("fedmedian", 7, "nnm", "3"), model(0, 0),
        Stream.of(1f, 2f, 3f, 4f, 5f, 6f).map(v -> model(v, 0)).toList());
    assertThat(agg.refusal()).contains(
        "strategy 'fedmedian' cannot aggregate 6 updates: nearest-neighbour mixing needs n > 2f, and n=6, nnm=3");
    assertThatThrownBy(() -> Robust.create("fedmedian", 4, "nnm", "2"))
        .hasMessageContaining("n > 2f (nearest-neighbour mixing, f = nnm = 2)")
        .hasMessageContaining("min-clients must be at least 5, got 4");
    assertThatThrownBy(() -> Robust.create("fedmedian", 7, "nnm", "-1")).hasMessageContaining("0 <= nnm");
  }
}
