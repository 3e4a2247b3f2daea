package dev.shoal.strategy;

import static dev.shoal.strategy.Robust.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.tensor.ParameterSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class KrumTest {

  // points (w, b): a=(0,0) b=(1,0) c=(0,2) d=(1,1) e=(10,10); with f=1 and n=5 each is scored by
  // its 2 nearest squared distances: a 1+2=3, b 1+1=2, c 2+4=6, d 1+2=3, e 162+164=326
  static final List<ParameterSet> FIVE = List.of(model(0, 0), model(1, 0), model(0, 2), model(1, 1), model(10, 10));

  @Test
  void picksTheUpdateWithTheLowestScore() throws Exception {
    var agg = Robust.fold(Robust.create("krum", 5, "f", "1"), model(0, 0), FIVE);
    assertThat(Robust.values(agg.result())).containsExactly(1, 0);
  }

  @Test
  void multiKrumAveragesTheMBestUnweighted() throws Exception {
    var three = Robust.fold(Robust.create("multikrum", 5, "f", "1", "m", "3"), model(0, 0), FIVE);
    // b, a, d: ((1+0+1)/3, (0+0+1)/3)
    assertThat(Robust.values(three.result())).containsExactly(new float[] {2f / 3, 1f / 3}, within(1e-6f));
    var byDefault = Robust.fold(Robust.create("multikrum", 5, "f", "1"), model(0, 0), FIVE);
    // m = n - f = 4: b, a, d, c: (2/4, 3/4)
    assertThat(Robust.values(byDefault.result())).containsExactly(0.5f, 0.75f);
  }

  @Test
  void refusesAMinClientsThatCouldBreakItsCondition() {
    assertThatThrownBy(() -> Robust.create("krum", 4, "f", "1"))
        .isInstanceOf(StrategyConfigurationException.class)
        .hasMessage("strategy 'krum': needs n > 2f + 2 (f=1) updates per round, so min-clients must be at least 5, got 4");
    assertThatThrownBy(() -> Robust.create("multikrum", 5, "f", "1", "m", "5"))
        .hasMessage("strategy 'multikrum': needs n > 2f + 2 and n >= m + f (f=1, m=5) updates per round,"
            + " so min-clients must be at least 6, got 5");
    assertThatThrownBy(() -> Robust.create("krum", 5, "f", "-1"))
        .hasMessage("strategy 'krum': the number of Byzantine updates f must be in [0, 10000], got f=-1");
  }

  @Test
  void aRoundWithTooFewUpdatesIsRefusedWithTheCondition() throws Exception {
    var agg = Robust.fold(Robust.create("krum", 5, "f", "1"), model(0, 0), FIVE.subList(0, 4));
    assertThat(agg.refusal()).contains("strategy 'krum' cannot aggregate 4 updates: Krum needs n > 2f + 2, and n=4, f=1");
    var multi = Robust.fold(Robust.create("multikrum", 5, "f", "1", "m", "4"), model(0, 0), FIVE);
    assertThat(multi.refusal()).isEmpty();
    var tooMany = Robust.fold(Robust.create("multikrum", 5, "f", "0", "m", "5"), model(0, 0), FIVE.subList(0, 4));
    assertThat(tooMany.refusal()).contains("strategy 'multikrum' cannot aggregate 4 updates:"
        + " Multi-Krum needs m <= n - f, and m=5, n=4, f=0");
  }
}
