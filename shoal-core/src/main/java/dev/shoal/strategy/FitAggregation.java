package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One round's aggregate, built as a streaming fold: each reply is folded in as it arrives and
 * may be dropped right after. Implementations are used from one thread at a time.
 */
public interface FitAggregation {

  /** Folds one reply in, or rejects it without changing the aggregate. */
  void add(FitReply reply) throws UpdateRejectedException;

  /**
   * Takes the secure sum of the {@code contributors}' update vectors ({@link UpdateVector}) instead
   * of their replies, for strategies that {@link Strategy#foldsSums() fold sums}.
   */
  default void addSum(float[] sum, List<String> contributors) {
    throw new UnsupportedOperationException("this aggregation needs each update, not their sum");
  }

  /**
   * Why the replies folded in cannot be aggregated, such as a robust rule's condition on their
   * number that this round does not meet; empty when they can. The round engine asks before
   * {@link #result()} and keeps the previous global model, with the reason, when there is one.
   */
  default Optional<String> refusal() {
    return Optional.empty();
  }

  /** How many replies were folded in. */
  int count();

  /** The new global parameters; only valid when {@link #count()} is positive. */
  ParameterSet result();

  /**
   * Round metrics the strategy reports, such as the privacy spent; the round engine adds them to
   * the round's {@code RoundMetrics.extra}, so they reach {@code metrics.jsonl}. Asked for after
   * {@link #result()}, or instead of it when the round was not aggregated.
   */
  default Map<String, Double> metrics() {
    return Map.of();
  }
}
