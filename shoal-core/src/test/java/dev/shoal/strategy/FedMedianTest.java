package dev.shoal.strategy;

import static dev.shoal.strategy.Robust.model;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FedMedianTest {

  @Test
  void takesTheMedianOfEachCoordinateIgnoringExampleCounts() throws Exception {
    Strategy s = Robust.create("fedmedian", 1);
    var agg = Robust.fold(s, model(0, 0, 0), List.of(model(1, 10, 7), model(3, 20, 8), model(100, -5, 9)));
    // w0: 1,3,100 -> 3 ; w1: -5,10,20 -> 10 ; b: 7,8,9 -> 8
    assertThat(Robust.values(agg.result())).containsExactly(3, 10, 8);
    assertThat(agg.result().metadata()).containsEntry("round", "1");
  }

  @Test
  void anEvenCountTakesTheMeanOfTheTwoMiddleValues() throws Exception {
    Strategy s = Robust.create("fedmedian", 1);
    var agg = Robust.fold(s, model(0, 0), List.of(model(1, 0), model(2, 10), model(3, 20), model(100, 1e6f)));
    // w: 1,2,3,100 -> 2.5 ; b: 0,10,20,1e6 -> 15
    assertThat(Robust.values(agg.result())).containsExactly(2.5f, 15f);
  }

  @Test
  void cannotRunUnderSecureAggregation() {
    assertThat(Robust.create("fedmedian", 1).foldsSums()).isFalse();
  }
}
