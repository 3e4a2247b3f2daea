package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;

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
}
