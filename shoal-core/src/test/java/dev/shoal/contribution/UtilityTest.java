package dev.shoal.contribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UtilityTest {

  @Test
  void evaluatesEachCoalitionOnceAndCountsIt() {
    AtomicInteger calls = new AtomicInteger();
    Utility u = new Utility(3, s -> {
      calls.incrementAndGet();
      return s.cardinality();
    });
    assertThat(u.value(Games.of(0, 2))).isEqualTo(2.0);
    assertThat(u.value(Games.of(2, 0))).isEqualTo(2.0);
    assertThat(u.ofNone()).isEqualTo(0.0);
    assertThat(u.ofAll()).isEqualTo(3.0);
    assertThat(u.without(1)).isEqualTo(2.0);
    assertThat(calls).hasValue(3);
    assertThat(u.evaluations()).isEqualTo(3);
  }

  @Test
  void changingTheCallersBitSetLaterDoesNotCorruptTheCache() {
    Utility u = new Utility(3, BitSet::cardinality);
    BitSet s = Games.of(0);
    u.value(s);
    s.set(1);
    assertThat(u.value(s)).isEqualTo(2.0);
    assertThat(u.value(Games.of(0))).isEqualTo(1.0);
  }

  @Test
  void refusesParticipantsOutsideTheRoundAndNonFiniteValues() {
    Utility u = new Utility(2, s -> s.get(1) ? Double.NaN : 1.0);
    assertThatThrownBy(() -> u.value(Games.of(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("coalition {2} names participant 2, allowed 0..1");
    assertThatThrownBy(() -> u.value(Games.of(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("utility of coalition {1} is NaN, it must be finite");
    assertThatThrownBy(() -> new Utility(0, s -> 0))
        .hasMessage("participants must be >= 1, got 0");
  }
}
