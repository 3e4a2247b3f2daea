package dev.shoal.contribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.train.CentralEvaluator;
import dev.shoal.strategy.FitReply;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContributionsTest {

  static ParameterSet params(float... w) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {w.length}, w)));
  }

  /** Loss = distance of w to (1, 1); accuracy = 1 − loss. */
  static final CentralEvaluator evaluator = model -> {
    float[] w = model.read("w").data();
    double loss = Math.hypot(w[0] - 1, w[1] - 1);
    return new Evaluation(100, loss, 1 - loss);
  };

  final ParameterSet global = params(0, 0);
  final List<FitReply> replies = List.of(
      new FitReply("a", params(1, 0), 1, Map.of()),
      new FitReply("b", params(0, 1), 1, Map.of()),
      new FitReply("c", params(1, 1), 2, Map.of()),
      new FitReply("d", params(-1, -1), 1, Map.of()));

  static BigDecimal total(Map<String, BigDecimal> rewards) {
    return rewards.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Test
  void bothMethodsAreRecordedAndRewardsFollowShapley() {
    var report = new Contributions(Method.BOTH, 1000, 42)
        .score(3, global, replies, evaluator, UtilityMeasure.NEGATIVE_LOSS);
    assertThat(report.round()).isEqualTo(3);
    assertThat(report.method()).isEqualTo(Method.BOTH);
    assertThat(report.leaveOneOut()).containsOnlyKeys("a", "b", "c", "d");
    assertThat(report.shapley().keySet()).containsExactly("a", "b", "c", "d");
    assertThat(report.scores()).isEqualTo(report.shapley());
    assertThat(total(report.rewards())).isEqualByComparingTo("1000");
    // c brings the target itself, d pulls away from it
    assertThat(report.rewards().get("c")).isGreaterThan(report.rewards().get("a"));
    assertThat(report.shapley().get("d")).isNegative();
    assertThat(report.rewards().get("d")).isEqualByComparingTo("0");
    assertThat(report.evaluations()).isLessThanOrEqualTo(16);
  }

  @Test
  void leaveOneOutAloneCostsOneMoreEvaluationThanParticipants() {
    var report = new Contributions(Method.LEAVE_ONE_OUT, 10, 42)
        .score(1, global, replies, evaluator, UtilityMeasure.ACCURACY);
    assertThat(report.shapley()).isEmpty();
    assertThat(report.scores()).isEqualTo(report.leaveOneOut());
    assertThat(report.evaluations()).isEqualTo(5);
    assertThat(total(report.rewards())).isEqualByComparingTo("10");
  }

  @Test
  void accuracyAndNegativeLossRankTheSameWhenOneIsOneMinusTheOther() {
    var byAccuracy = new Contributions(Method.GTG_SHAPLEY, 10, 42)
        .score(1, global, replies, evaluator, UtilityMeasure.ACCURACY);
    var byLoss = new Contributions(Method.GTG_SHAPLEY, 10, 42)
        .score(1, global, replies, evaluator, UtilityMeasure.NEGATIVE_LOSS);
    byAccuracy.shapley().forEach((id, s) -> assertThat(byLoss.shapley().get(id)).isCloseTo(s, within(1e-9)));
    assertThat(byAccuracy.leaveOneOut()).isEmpty();
  }

  @Test
  void aRoundIsScoredTheSameWayTwice() {
    var contributions = new Contributions(Method.GTG_SHAPLEY, 10, 42);
    var scorer = UtilityMeasure.NEGATIVE_LOSS.scorer(evaluator);
    var first = contributions.score(5, global, replies, scorer);
    assertThat(contributions.score(5, global, replies, scorer)).isEqualTo(first);
  }
}
