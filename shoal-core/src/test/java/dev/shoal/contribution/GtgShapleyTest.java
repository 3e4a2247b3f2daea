package dev.shoal.contribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class GtgShapleyTest {

  @Test
  void onAnAdditiveUtilityEachValueIsTheParticipantsOwnWorth() {
    Scores s = GtgShapley.defaults(1).score(Games.additive(0.1, 0.25, 0.05, 0.4, 0.2));
    assertThat(Games.array(s)).containsExactly(new double[] {0.1, 0.25, 0.05, 0.4, 0.2}, within(1e-12));
  }

  @Test
  void staysCloseToTheExactValuesOnAUtilityWithDiminishingReturns() {
    double[] a = {1, 2, 3, 4, 5, 6};
    Scores exact = new ExactShapley().score(Games.squareRoot(a));
    for (long seed = 0; seed < 10; seed++) {
      Scores gtg = new GtgShapley(0.001, 0.001, 0.01, 10, 200, 2000, seed).score(Games.squareRoot(a));
      for (int i = 0; i < a.length; i++) {
        assertThat(gtg.get(i)).as("seed %d participant %d", seed, i).isCloseTo(exact.get(i), within(0.06));
      }
      // a larger contribution is worth more, as in the exact values
      for (int i = 1; i < a.length; i++) {
        assertThat(gtg.get(i)).as("seed %d participant %d", seed, i).isGreaterThan(gtg.get(i - 1));
      }
    }
  }

  @Test
  void aNullParticipantGetsExactlyZeroAndTwinsGetNearlyEqualValues() {
    Scores s = new GtgShapley(0.001, 0.001, 0.01, 10, 400, 2000, 7).score(Games.squareRoot(3, 0, 2, 2));
    assertThat(s.get(1)).isEqualTo(0.0);
    assertThat(s.get(2)).isCloseTo(s.get(3), within(0.06));
  }

  @Test
  void aRoundThatChangedTooLittleScoresZeroForTwoEvaluations() {
    Scores s = GtgShapley.defaults(1).score(Games.additive(0.0004, -0.0001, 0.0002));
    assertThat(s.values()).containsExactly(0.0, 0.0, 0.0);
    assertThat(s.evaluations()).isEqualTo(2);
  }

  @Test
  void withinRoundTruncationSavesEvaluations() {
    double[] a = {0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4};
    var untruncated = new GtgShapley(0.001, 0.0, 0.0, 10, 200, 200, 3);
    var truncated = new GtgShapley(0.001, 0.001, 0.0, 10, 200, 200, 3);
    Scores full = untruncated.score(Games.saturating(1, a));
    Scores cut = truncated.score(Games.saturating(1, a));
    // once three are in, the prefix is worth v(N) and the walk stops: only coalitions of <= 3
    assertThat(cut.evaluations()).isLessThanOrEqualTo(1 + 10 + 45 + 120 + 1);
    assertThat(cut.evaluations()).isLessThan(full.evaluations() / 2);
    assertThat(cut.sum()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void convergenceStopsBeforeTheCap() {
    double[] a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    Scores converged = GtgShapley.defaults(5).score(Games.squareRoot(a));
    Scores capped = new GtgShapley(0.001, 0.001, 0.0, 10, 500, 500, 5).score(Games.squareRoot(a));
    assertThat(converged.evaluations()).isLessThan(capped.evaluations() / 2);
  }

  @Test
  void theSameSeedGivesTheSameScores() {
    double[] a = {1, 2, 3, 4, 5, 6, 7, 8};
    Scores first = GtgShapley.defaults(11).score(Games.squareRoot(a));
    Scores again = GtgShapley.defaults(11).score(Games.squareRoot(a));
    assertThat(again).isEqualTo(first);
  }

  @Property(tries = 40)
  void valuesAddUpToTheRoundsGainWithinTheTruncationEpsilon(
      @ForAll @IntRange(min = 1, max = 7) int n, @ForAll @LongRange long seed) {
    var rng = new java.util.SplittableRandom(seed);
    double[] table = new double[1 << n];
    for (int i = 0; i < table.length; i++) {
      table[i] = rng.nextDouble(-1, 1);
    }
    Utility u = new Utility(n, s -> table[(int) (s.isEmpty() ? 0 : s.toLongArray()[0])]);
    double epsilon = 0.01;
    Scores s = new GtgShapley(0.0, epsilon, 0.05, 5, 10, 100, seed).score(u);
    assertThat(s.sum()).isCloseTo(u.ofAll() - u.ofNone(), within(epsilon + 1e-9));
  }

  @Test
  void refusesSettingsThatCannotWork() {
    assertThatThrownBy(() -> new GtgShapley(-1, 0.001, 0.05, 10, 30, 500, 0))
        .hasMessage("betweenRoundEpsilon must be a finite number >= 0, got -1.0");
    assertThatThrownBy(() -> new GtgShapley(0.001, Double.NaN, 0.05, 10, 30, 500, 0))
        .hasMessage("withinRoundEpsilon must be a finite number >= 0, got NaN");
    assertThatThrownBy(() -> new GtgShapley(0.001, 0.001, 0.05, 0, 30, 500, 0))
        .hasMessage("window must be >= 1, got 0");
    assertThatThrownBy(() -> new GtgShapley(0.001, 0.001, 0.05, 10, 30, 20, 0))
        .hasMessage("maxPermutations must be >= minPermutations (30), got 20");
  }
}
