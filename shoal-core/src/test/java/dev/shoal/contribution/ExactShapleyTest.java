package dev.shoal.contribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.BitSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ExactShapleyTest {

  @Test
  void onAnAdditiveUtilityEachValueIsTheParticipantsOwnWorth() {
    Scores s = new ExactShapley().score(Games.additive(0.1, 0.25, -0.05, 0.4, 0.0));
    assertThat(Games.array(s)).containsExactly(new double[] {0.1, 0.25, -0.05, 0.4, 0.0}, within(1e-12));
    assertThat(s.evaluations()).isEqualTo(32);
  }

  @Test
  void splitsAGloveGameAsTheTextbookDoes() {
    // one left glove (0), two right gloves (1, 2); a pair is worth 1: φ = (2/3, 1/6, 1/6)
    Utility u = new Utility(3, s -> s.get(0) && (s.get(1) || s.get(2)) ? 1.0 : 0.0);
    assertThat(Games.array(new ExactShapley().score(u)))
        .containsExactly(new double[] {2.0 / 3, 1.0 / 6, 1.0 / 6}, within(1e-12));
  }

  @Test
  void identicalParticipantsGetEqualValuesAndANullParticipantGetsZero() {
    Scores s = new ExactShapley().score(Games.squareRoot(2, 5, 5, 0, 1));
    assertThat(s.get(1)).isCloseTo(s.get(2), within(1e-12));
    assertThat(s.get(3)).isEqualTo(0.0);
  }

  @Property(tries = 50)
  void valuesAddUpToWhatTheWholeRoundGained(
      @ForAll @IntRange(min = 1, max = 7) int n, @ForAll @LongRange long seed) {
    var rng = new java.util.SplittableRandom(seed);
    double[] table = new double[1 << n];
    for (int i = 0; i < table.length; i++) {
      table[i] = rng.nextDouble(-1, 1);
    }
    Utility u = new Utility(n, s -> table[(int) (s.isEmpty() ? 0 : s.toLongArray()[0])]);
    Scores s = new ExactShapley().score(u);
    assertThat(s.sum()).isCloseTo(u.ofAll() - u.ofNone(), within(1e-9));
  }

  @Property(tries = 30)
  void whenOnlyTheSizeOfACoalitionMattersEveryoneGetsAnEqualShare(
      @ForAll @IntRange(min = 1, max = 8) int n, @ForAll @LongRange long seed) {
    var rng = new java.util.SplittableRandom(seed);
    double[] bySize = new double[n + 1];
    for (int k = 0; k <= n; k++) {
      bySize[k] = rng.nextDouble(-1, 1);
    }
    Scores s = new ExactShapley().score(new Utility(n, c -> bySize[c.cardinality()]));
    for (int i = 0; i < n; i++) {
      assertThat(s.get(i)).isCloseTo((bySize[n] - bySize[0]) / n, within(1e-9));
    }
  }

  @Test
  void refusesRoundsTooLargeToEnumerate() {
    assertThatThrownBy(() -> new ExactShapley().score(new Utility(17, BitSet::cardinality)))
        .hasMessage("exact Shapley needs 2^n evaluations; participants must be <= 16, got 17");
  }
}
