package dev.shoal.app;

import dev.shoal.ledger.RoundCompleted;
import dev.shoal.report.MetricsJsonl;
import dev.shoal.round.RoundCommit;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RoundRecord;
import dev.shoal.store.StateDirectory;
import dev.shoal.strategy.Strategy;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A coordinator's commit of a round, in one order that a crash at any point leaves repairable:
 * <ol>
 *   <li>the model blob and the strategy's state after the round, if it keeps one (a blob no round
 *       names yet is harmless);
 *   <li>the database row, in one transaction with the round's metrics line and ledger entry: the
 *       one durable record of the round; once it commits, the round happened;
 *   <li>the ledger entry appended, then its signed checkpoint;
 *   <li>the {@code metrics.jsonl} line;
 *   <li>{@code model.safetensors}.
 * </ol>
 * Everything after the database row is derived from it, so {@link RunReconciler} redoes whatever
 * a crash left undone when the coordinator starts again. Only then do reporters hear of the round.
 * {@link CommitFault} names each step, so tests can stop the process there.
 */
final class RoundCommitter implements RoundCommit {

  private final StateDirectory state;
  private final long runId;
  private final String run;
  private final RunLedger ledger;
  private final RunOutputs outputs;
  private final Runnable flushJournal;
  private final IntConsumer begun;
  private final Supplier<Optional<ParameterSet>> serverState;

  /**
   * @param ledger the run's ledger, or null for a run without one
   * @param flushJournal writes the round's queued bookkeeping, so it commits before the round does
   * @param begun told of each round as it starts
   * @param serverState the strategy's state after the round being committed ({@link Strategy#serverState})
   */
  RoundCommitter(StateDirectory state, long runId, String run, RunLedger ledger, RunOutputs outputs,
      Runnable flushJournal, IntConsumer begun, Supplier<Optional<ParameterSet>> serverState) {
    this.state = state;
    this.runId = runId;
    this.run = run;
    this.ledger = ledger;
    this.outputs = outputs;
    this.flushJournal = flushJournal;
    this.begun = begun;
    this.serverState = serverState;
  }

  @Override
  public void begin(int round) {
    begun.accept(round);
    state.runs().startRound(runId, round);
  }

  @Override
  public void complete(RoundMetrics metrics, ParameterSet model) {
    complete(metrics, model, RoundRecord.NONE);
  }

  @Override
  public void complete(RoundMetrics metrics, ParameterSet model, RoundRecord record) {
    int round = metrics.round();
    try {
      ContentId id = state.blobs().putModel(model);
      Optional<ParameterSet> carried = serverState.get();
      Optional<ContentId> carriedId = carried.isPresent()
          ? Optional.of(state.blobs().putModel(carried.get())) : Optional.empty();
      CommitFault.at(CommitFault.AFTER_MODEL_BLOB, round);
      flushJournal.run();
      Optional<RoundCompleted> entry = Optional.ofNullable(ledger)
          .map(l -> LedgerRecorder.roundCompleted(run, metrics, record));
      state.runs().completeRound(runId, metrics, id,
          entry.map(e -> new String(e.toJson(), StandardCharsets.UTF_8)), carriedId);
      CommitFault.at(CommitFault.AFTER_DB_COMMIT, round);
      if (ledger != null) {
        ledger.append(entry.get());
        CommitFault.at(CommitFault.AFTER_CHECKPOINT, round);
      }
      outputs.appendMetrics(MetricsJsonl.line(metrics));
      CommitFault.at(CommitFault.AFTER_METRICS_LINE, round);
      outputs.writeModel(state.blobs(), id);
      CommitFault.at(CommitFault.AFTER_MODEL_FILE, round);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record round " + round + ": " + e.getMessage(), e);
    }
  }
}
