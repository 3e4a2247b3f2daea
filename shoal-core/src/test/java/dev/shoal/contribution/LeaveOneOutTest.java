package dev.shoal.contribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LeaveOneOutTest {

  @Test
  void onAnAdditiveUtilityEachScoreIsTheParticipantsOwnWorth() {
    Scores s = new LeaveOneOut().score(Games.additive(0.1, 0.25, -0.05, 0.4));
    assertThat(Games.array(s)).containsExactly(new double[] {0.1, 0.25, -0.05, 0.4}, within(1e-12));
  }

  @Test
  void costsOneEvaluationMoreThanThereAreParticipants() {
    Scores s = new LeaveOneOut().score(Games.additive(1, 2, 3, 4, 5));
    assertThat(s.evaluations()).isEqualTo(6);
  }

  @Test
  void aNullParticipantScoresZeroAndRedundantOnesLookUseless() {
    // participants 0 and 1 bring the same thing, so neither is missed alone; 2 brings nothing
    Utility u = new Utility(3, s -> s.get(0) || s.get(1) ? 1.0 : 0.0);
    assertThat(new LeaveOneOut().score(u).values()).containsExactly(0.0, 0.0, 0.0);
  }
}
