package dev.shoal.app;

import dev.shoal.contribution.Method;
import java.util.Optional;

/** What a run records: its ledger, and how each round's participants are scored and rewarded. */
record Provenance(boolean ledger, Optional<Method> contributions, double rewardBudget) {

  /** The default: a ledger, leave-one-out scores, a budget of 100 per round. */
  static final Provenance DEFAULT = new Provenance(true, Optional.of(Method.LEAVE_ONE_OUT), 100);

  /** The demo's: a ledger, leave-one-out and GTG-Shapley scores (cheap for its small model). */
  static final Provenance DEMO = new Provenance(true, Optional.of(Method.BOTH), 100);
}
