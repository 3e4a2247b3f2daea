package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import java.util.Map;

/**
 * One round's aggregate, built as a streaming fold: each reply is folded in as it arrives and
 * may be dropped right after. Implementations are used from one thread at a time.
 */
public interface FitAggregation {

  /** Folds one reply in, or rejects it without changing the aggregate. */
  void add(FitReply reply) throws UpdateRejectedException;

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
