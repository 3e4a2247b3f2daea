package dev.shoal.contribution;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One round's contributions, by client id in reply order.
 *
 * @param round the round whose updates were scored
 * @param method what was computed
 * @param leaveOneOut leave-one-out scores, empty unless the method computes them
 * @param shapley GTG-Shapley scores, empty unless the method computes them
 * @param rewards each participant's share of the round's reward budget
 * @param evaluations distinct coalitions evaluated for this round (shared between methods)
 */
public record ContributionReport(
    int round,
    Method method,
    Map<String, Double> leaveOneOut,
    Map<String, Double> shapley,
    Map<String, BigDecimal> rewards,
    int evaluations) {

  public ContributionReport {
    Objects.requireNonNull(method, "method");
    if (evaluations < 0) {
      throw new IllegalArgumentException("evaluations must be >= 0, got " + evaluations);
    }
    leaveOneOut = ordered(leaveOneOut);
    shapley = ordered(shapley);
    rewards = ordered(rewards);
  }

  /** The scores the rewards follow: Shapley when computed, otherwise leave-one-out. */
  public Map<String, Double> scores() {
    return shapley.isEmpty() ? leaveOneOut : shapley;
  }

  private static <V> Map<String, V> ordered(Map<String, V> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }
}
