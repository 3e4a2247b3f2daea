package dev.shoal.app;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the federation runs: rounds, sampling, timeouts, the strategy and its parameters, privacy,
 * the ledger and its anchoring. Everything but the timeout and anchoring is part of the run's
 * identity ({@link RunIdentity}).
 *
 * @param nodes how many nodes the federation has, when known: a simulation's clients, or a
 *     coordinator's {@code --nodes} (or its {@code --allow-node} list); sizes what must be fixed
 *     before the first node registers (the count noise of adaptive DP clipping, SecAgg's checks)
 */
record FederationSpec(
    int rounds,
    double fraction,
    int minClients,
    double fractionEvaluate,
    Duration roundTimeout,
    StrategyChoice strategy,
    Privacy privacy,
    Provenance provenance,
    Optional<AnchorSchedule> anchoring,
    OptionalInt nodes) {

  FederationSpec {
    if (rounds < 1) {
      throw new UserError("--rounds must be >= 1, got " + rounds);
    }
    if (!(fraction > 0 && fraction <= 1)) {
      throw new UserError("--fraction must be in (0, 1], got " + fraction);
    }
    if (!(fractionEvaluate >= 0 && fractionEvaluate <= 1)) {
      throw new UserError("--fraction-evaluate must be in [0, 1], got " + fractionEvaluate);
    }
    if (minClients < 1) {
      throw new UserError("--min-clients must be >= 1, got " + minClients);
    }
    if (nodes.isPresent() && minClients > nodes.getAsInt()) {
      throw new UserError("--min-clients must be at most the federation's %d node(s), got %d"
          .formatted(nodes.getAsInt(), minClients));
    }
    if (anchoring.isPresent() && !provenance.ledger()) {
      throw new UserError("--anchor-rpc anchors the run's ledger, but --no-ledger turns the ledger off; drop one of them");
    }
  }

  /** Clients a round is expected to sample, when the federation's size is known. */
  OptionalInt expectedPerRound() {
    if (nodes.isEmpty()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of((int) Math.min(nodes.getAsInt(),
        Math.max(minClients, Math.ceil(fraction * nodes.getAsInt() - 1e-9))));
  }
}
