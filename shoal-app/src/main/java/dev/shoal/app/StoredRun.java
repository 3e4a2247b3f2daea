package dev.shoal.app;

import dev.shoal.store.BlobNotFoundException;
import dev.shoal.store.CompletedRound;
import dev.shoal.store.ConfigMismatchException;
import dev.shoal.store.CorruptBlobException;
import dev.shoal.store.RoundStatus;
import dev.shoal.store.Run;
import dev.shoal.store.RunSpec;
import dev.shoal.store.StateDirectory;
import dev.shoal.strategy.Metadata;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Trainer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A coordinator's run in its state directory, opened for its specs: new, or resumed after its
 * last completed round with that round's model. A run stored by an earlier Shoal under its
 * {@code key=value} configuration text is resumed when that text matches the specs, and from
 * then on stored under its canonical identity.
 *
 * @param first the first round still to run
 * @param doneMetrics the metrics lines of the completed rounds, oldest first
 * @param serverState the strategy's state after the last completed round, if it keeps one
 */
record StoredRun(Run run, ParameterSet start, int first, List<String> doneMetrics, Optional<ParameterSet> serverState) {

  static StoredRun open(StateDirectory state, String name, Specs specs, Trainer trainer) throws IOException {
    RunIdentity identity = specs.identity();
    long seed = specs.training().seed();
    int rounds = specs.federation().rounds();
    String legacy = RunIdentity.legacyText(specs.training(), specs.federation());
    RunSpec spec = new RunSpec(name, identity.configHash(), identity.json(), seed, rounds);
    Run run;
    try {
      run = state.runs().openRun(spec);
    } catch (ConfigMismatchException e) {
      // stored by a Shoal from before the canonical identity: resume it if its settings match
      RunSpec old = RunSpec.of(name, legacy, seed, rounds);
      run = state.runs().openRun(old);
      state.runs().upgradeRunConfig(run.id(), spec);
    }
    Optional<CompletedRound> last = state.runs().lastCompletedRound(run.id());
    ParameterSet start = last.isPresent()
        ? readCommitted(state, name, last.get().round(), "model", last.get().modelId())
        : trainer.initialParameters(seed).withMetadata(specs.training().initialMetadata());
    List<String> done = state.runs().rounds(run.id()).stream()
        .filter(r -> r.status() == RoundStatus.COMPLETED).map(r -> r.metricsJson().orElseThrow()).toList();
    Optional<ContentId> carried = last.isPresent()
        ? state.runs().serverState(run.id(), last.get().round()) : Optional.empty();
    Optional<ParameterSet> serverState = carried.isPresent()
        ? Optional.of(readCommitted(state, name, last.get().round(), "strategy state", carried.get()))
        : Optional.empty();
    return new StoredRun(run, start, last.map(r -> r.round() + 1).orElse(1), done, serverState);
  }

  /**
   * A blob a committed round names, verified: a damaged or missing one stops the resume, since
   * going on from other values would not be the run the ledger and metrics record.
   */
  private static ParameterSet readCommitted(StateDirectory state, String run, int round, String what, ContentId id)
      throws IOException {
    try {
      return state.blobs().readModel(id);
    } catch (CorruptBlobException | BlobNotFoundException e) {
      String damage = e instanceof CorruptBlobException c ? "corrupt (its bytes hash to " + c.actual() + ")" : "missing";
      throw new UserError(("cannot resume run '%s' after round %d: its %s, blob %s at %s, is %s. The state directory"
          + " is damaged: restore it from a backup, or start the run again in a new state directory or under another"
          + " --run-name").formatted(run, round, what, id, state.blobs().path(id), damage), e);
    }
  }
}
