package dev.shoal.strategy;

import static dev.shoal.strategy.Robust.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class GeoMedianTest {

  @Test
  void onALineItIsTheMedianNotTheMean() throws Exception {
    // 0, 1, 10 on the w axis: the sum of distances |z| + |z - 1| + |z - 10| is least at z = 1 (mean 11/3)
    var agg = Robust.fold(Robust.create("geomedian", 1), model(0, 0), List.of(model(0, 5), model(1, 5), model(10, 5)));
    assertThat(Robust.values(agg.result())).containsExactly(new float[] {1, 5}, within(1e-4f));
  }

  @Test
  void aCrossIsPulledToItsCentreNotByItsFarArm() throws Exception {
    // (0,0) with (1,0), (-1,0), (0,1) and a far (0,-100): the centre (0,0) is the geometric median
    // (the unit vectors from it to the others sum to (1,0)+(-1,0)+(0,1)+(0,-1) = 0)
    var agg = Robust.fold(Robust.create("geomedian", 1), model(9, 9), List.of(
        model(0, 0), model(1, 0), model(-1, 0), model(0, 1), model(0, -100)));
    assertThat(Robust.values(agg.result())).containsExactly(new float[] {0, 0}, within(1e-3f));
  }

  @Test
  void noIterationIsTheMean() throws Exception {
    var agg = Robust.fold(Robust.create("geomedian", 1, "iterations", "0"), model(0, 0),
        List.of(model(0, 5), model(1, 5), model(11, 5)));
    assertThat(Robust.values(agg.result())).containsExactly(4, 5);
  }

  @Test
  void refusesParametersOutsideWeiszfeldsRange() {
    assertThatThrownBy(() -> Robust.create("geomedian", 1, "nu", "0"))
        .hasMessage("strategy 'geomedian': smoothed Weiszfeld needs nu > 0, got nu=0.0");
    assertThatThrownBy(() -> Robust.create("geomedian", 1, "iterations", "-1"))
        .hasMessage("strategy 'geomedian': Weiszfeld needs 0 <= iterations <= 100000, got iterations=-1");
  }
}
