package dev.shoal.strategy;

import static dev.shoal.strategy.Robust.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FedTrimmedAvgTest {

  @Test
  void dropsTheBetaFractionAtEachEndOfEveryCoordinate() throws Exception {
    Strategy s = Robust.create("fedtrimmedavg", 1, "beta", "0.2");
    var agg = Robust.fold(s, model(0, 0), List.of(
        model(1, 5), model(2, -100), model(3, 7), model(4, 6), model(100, 4)));
    // n=5, floor(0.2*5)=1 dropped at each end. w: 1,2,3,4,100 -> (2+3+4)/3 = 3 ; b: -100,4,5,6,7 -> (4+5+6)/3 = 5
    assertThat(Robust.values(agg.result())).containsExactly(3, 5);
  }

  @Test
  void withFewerUpdatesThanOneTrimmedValueItIsTheUnweightedMean() throws Exception {
    Strategy s = Robust.create("fedtrimmedavg", 1);
    var agg = Robust.fold(s, model(0, 0), List.of(model(1, 2), model(2, 4), model(3, 6), model(6, 0)));
    // default beta 0.2: floor(0.8) = 0 dropped; w: 12/4 = 3 ; b: 12/4 = 3
    assertThat(Robust.values(agg.result())).containsExactly(3, 3);
  }

  @Test
  void refusesBetaOutsideItsCondition() {
    assertThatThrownBy(() -> Robust.create("fedtrimmedavg", 1, "beta", "0.5"))
        .isInstanceOf(StrategyConfigurationException.class)
        .hasMessage("strategy 'fedtrimmedavg': the trimmed mean needs 0 <= beta < 0.5, got beta=0.5");
    assertThatThrownBy(() -> Robust.create("fedtrimmedavg", 1, "beta", "-0.1"))
        .hasMessage("strategy 'fedtrimmedavg': the trimmed mean needs 0 <= beta < 0.5, got beta=-0.1");
  }
}
