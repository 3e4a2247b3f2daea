package dev.shoal.contribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RewardSplitTest {

  static Map<String, Double> scores(Object... idThenScore) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < idThenScore.length; i += 2) {
      m.put((String) idThenScore[i], ((Number) idThenScore[i + 1]).doubleValue());
    }
    return m;
  }

  static BigDecimal total(Map<String, BigDecimal> rewards) {
    return rewards.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Test
  void splitsInProportionToTheScores() {
    var rewards = RewardSplit.of(100).split(scores("a", 1, "b", 3));
    assertThat(rewards).containsExactly(
        Map.entry("a", new BigDecimal("25.000000")), Map.entry("b", new BigDecimal("75.000000")));
  }

  @Test
  void leftoverMicroUnitsGoToTheLargestRemaindersThenToTheSmallerId() {
    var rewards = RewardSplit.of(1).split(scores("c", 1, "a", 1, "b", 1));
    assertThat(rewards).containsExactly(
        Map.entry("c", new BigDecimal("0.333333")),
        Map.entry("a", new BigDecimal("0.333334")),
        Map.entry("b", new BigDecimal("0.333333")));
    var uneven = RewardSplit.of(0.00001).split(scores("a", 1, "b", 2, "c", 3));
    // exact shares 1.67, 3.33, 5 micro-units: floors 1, 3, 5 and the one left goes to a (.67)
    assertThat(uneven.values()).containsExactly(
        new BigDecimal("0.000002"), new BigDecimal("0.000003"), new BigDecimal("0.000005"));
    assertThat(total(uneven)).isEqualByComparingTo("0.00001");
  }

  @Test
  void sumsToTheBudgetExactly() {
    var rewards = RewardSplit.of(0.1).split(scores("a", 0.1, "b", 0.2, "c", 0.3, "d", 1e-9, "e", 7.77));
    assertThat(total(rewards)).isEqualTo(new BigDecimal("0.100000"));
  }

  @Test
  void negativeAndZeroScoresEarnNothing() {
    var rewards = RewardSplit.of(10).split(scores("a", -0.4, "b", 2, "c", 0, "d", 2));
    assertThat(rewards.values()).containsExactly(
        new BigDecimal("0.000000"), new BigDecimal("5.000000"), new BigDecimal("0.000000"), new BigDecimal("5.000000"));
  }

  @Test
  void whenNobodyScoresAboveZeroTheBudgetIsSplitEqually() {
    var rewards = RewardSplit.of(9).split(scores("a", -1, "b", 0, "c", -0.5));
    assertThat(rewards.values()).containsOnly(new BigDecimal("3.000000"));
  }

  @Test
  void aZeroBudgetGivesEveryoneZero() {
    assertThat(RewardSplit.of(0).split(scores("a", 1, "b", 2)).values()).containsOnly(new BigDecimal("0.000000"));
  }

  @Test
  void refusesBudgetsAndScoresItCannotSplit() {
    assertThatThrownBy(() -> RewardSplit.of(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reward budget must be >= 0, got -1.0");
    assertThatThrownBy(() -> RewardSplit.of(Double.NaN))
        .hasMessage("reward budget must be a finite number >= 0, got NaN");
    assertThatThrownBy(() -> RewardSplit.of(0.1234567))
        .hasMessage("reward budget must have at most 6 decimal places, got 0.1234567");
    assertThatThrownBy(() -> RewardSplit.of(1).split(scores("a", 1, "b", Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("score of participant 'b' must be a finite number, got NaN");
    assertThatThrownBy(() -> RewardSplit.of(1).split(Map.of()))
        .hasMessage("scores must name at least one participant, got none");
  }
}
