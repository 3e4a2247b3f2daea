package dev.shoal.strategy;

import static dev.shoal.strategy.Robust.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BulyanTest {

  @Test
  void selectsByRepeatedKrumThenAveragesAroundTheMedian() throws Exception {
    // w: a=0 b=1 c=1.5 d=4 e=5 f=40 g=-30, b all 0; f=1, n=7: theta = 5, beta = 3.
    // Krum on the remaining, with |R| - 3 neighbours: on all 7 (4): a 44.25 b 26.25 c 21 d 32.25 e 54.25 -> c;
    // on a,b,d,e,f,g (3): a 42 b 26 d 26 e 42 -> b (first on the tie); on a,d,e,f,g (2): a 41 d 17 e 26 -> d;
    // on a,e,f,g (1): a 25 e 25 f 1225 g 900 -> a; on e,f,g (0): all 0 -> e.
    // Selected 0, 1, 1.5, 4, 5: median 1.5, the 3 values closest to it 1.5, 1, 0 -> 2.5 / 3
    var agg = Robust.fold(Robust.create("bulyan", 7, "f", "1"), model(0, 0), List.of(
        model(0, 0), model(1, 0), model(1.5f, 0), model(4, 0), model(5, 0), model(40, 0), model(-30, 0)));
    assertThat(Robust.values(agg.result())).containsExactly(2.5f / 3, 0);
  }

  @Test
  void refusesFewerThanFourFPlusThreeClients() throws Exception {
    assertThatThrownBy(() -> Robust.create("bulyan", 6, "f", "1"))
        .isInstanceOf(StrategyConfigurationException.class)
        .hasMessage("strategy 'bulyan': needs n >= 4f + 3 (f=1) updates per round, so min-clients must be at least 7, got 6");
    var agg = Robust.fold(Robust.create("bulyan", 7, "f", "1"), model(0), List.of(model(0), model(1), model(2)));
    assertThat(agg.refusal()).contains("strategy 'bulyan' cannot aggregate 3 updates: Bulyan needs n >= 4f + 3, and n=3, f=1");
  }
}
