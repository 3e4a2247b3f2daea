package dev.shoal.strategy;

import static dev.shoal.strategy.Robust.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.tensor.ParameterSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RobustMomentumTest {

  private static ParameterSet round(Strategy s, int round, ParameterSet global, float... w) throws Exception {
    FitAggregation agg = s.beginFit(round, global);
    for (int i = 0; i < w.length; i++) {
      agg.add(new FitReply("c" + i, model(w[i], 0), 10, Map.of()));
    }
    return agg.result();
  }

  @Test
  void theRulesResultIsTheUpdateServerMomentumTakes() throws Exception {
    Strategy s = Robust.create("fedmedian", 1, "momentum", "0.5");
    // round 1: median 2, Δ = 2, u = 2, x = 2; round 2: median 3, Δ = 1, u = 0.5·2 + 1 = 2, x = 4
    ParameterSet x1 = round(s, 1, model(0, 0), 1, 2, 100);
    assertThat(Robust.values(x1)).containsExactly(2f, 0f);
    assertThat(Robust.values(round(s, 2, x1, -50, 3, 4))).containsExactly(4f, 0f);
  }

  @Test
  void aServerLearningRateScalesTheStep() throws Exception {
    Strategy s = Robust.create("krum", 3, "f", "0", "server-lr", "0.5");
    // Krum with f=0 scores each of 0, 2, 2.5, 10 by its 2 nearest: 10.25, 4.25, 6.5, 120.25; it picks 2, x = 0.5·2
    assertThat(Robust.values(round(s, 1, model(0, 0), 0, 2, 2.5f, 10))).containsExactly(1f, 0f);
  }

  @Test
  void refusesMomentumOutsideItsRange() {
    assertThatThrownBy(() -> Robust.create("fedmedian", 1, "momentum", "1"))
        .hasMessageContaining("parameter momentum must be in [0.0, 1.0)");
    assertThatThrownBy(() -> Robust.create("fedmedian", 1, "server-lr", "0"))
        .hasMessageContaining("parameter server-lr must be > 0");
  }
}
