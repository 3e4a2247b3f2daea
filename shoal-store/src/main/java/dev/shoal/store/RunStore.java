package dev.shoal.store;

import dev.shoal.report.MetricsJsonl;
import dev.shoal.round.RoundMetrics;
import dev.shoal.tensor.ContentId;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's durable state in {@code DIR/state.db}: runs and rounds, and the bookkeeping
 * of nodes and their work ({@link #record}). Every method is one transaction, and {@link
 * #completeRound} in particular records the round, its metrics, its model id and every node's
 * contribution at once: after a crash a round is either completed with all of that, or not at
 * all. Safe to share between threads.
 *
 * <p>Models and updates themselves are blobs in a {@link BlobStore}; store a round's model before
 * completing the round, so that a completed round always names a model that exists.
 */
public final class RunStore implements AutoCloseable {

  /** The database's file name inside the state directory. */
  public static final String FILE_NAME = "state.db";

  private static final Logger log = LoggerFactory.getLogger(RunStore.class);

  private final Database db;
  private final Clock clock;

  private RunStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Opens (creating if needed) {@code dir/state.db}. */
  public static RunStore open(Path dir) {
    return open(dir, Clock.systemUTC());
  }

  /** Opens {@code dir/state.db} with a clock for timestamps and offline detection. */
  public static RunStore open(Path dir, Clock clock) {
    return new RunStore(Database.open(dir.resolve(FILE_NAME)), clock);
  }

  /** The database file. */
  public Path file() {
    return db.file();
  }

  // ---------------------------------------------------------------------------------- runs

  /**
   * Creates the run named in {@code spec}, or resumes it if it exists. Resuming is refused if
   * the configuration hash, seed or number of rounds differ from the ones the run was created
   * with. A failed run is set running again; a completed run is returned as it is.
   */
  public Run openRun(RunSpec spec) {
    return db.write("open run '" + spec.name() + "'", c -> {
      Optional<Run> existing = Rows.runByName(c, spec.name());
      if (existing.isEmpty()) {
        Run run = RunRows.insertRun(c, spec, now());
        log.info("run created run={} id={} rounds={} config={}",
            run.name(), run.id(), run.totalRounds(), run.configHash());
        return run;
      }
      Run run = existing.get();
      RunRules.requireSame(run, spec);
      if (run.status() == RunStatus.FAILED) {
        RunRows.setStatus(c, run.id(), RunStatus.RUNNING, now());
        run = Rows.runById(c, run.id()).orElseThrow();
      }
      log.info("run resumed run={} id={} status={} last_completed_round={}", run.name(), run.id(),
          Rows.lower(run.status()), Rows.lastCompleted(c, run.id()).map(CompletedRound::round).orElse(0));
      return run;
    });
  }

  /**
   * Stores the run under {@code spec}'s configuration, which an upgraded Shoal writes in another
   * form for the same settings; name, seed and rounds must be the run's.
   */
  public Run upgradeRunConfig(long runId, RunSpec spec) {
    return db.write("upgrade the configuration of run '" + spec.name() + "'", c -> {
      Run run = Rows.runById(c, runId).orElseThrow(() -> new StoreException("no run with id " + runId));
      RunRules.requireSame(run, new RunSpec(spec.name(), run.configHash(), run.configText(), spec.seed(), spec.totalRounds()));
      RunRows.setConfig(c, runId, spec, now());
      log.info("run config upgraded run={} id={} config={} earlier={}", run.name(), runId, spec.configHash(),
          run.configHash());
      return Rows.runById(c, runId).orElseThrow();
    });
  }

  /** The run with this name, if there is one. */
  public Optional<Run> run(String name) {
    return db.read("read run '" + name + "'", c -> Rows.runByName(c, name));
  }

  /** All runs, oldest first. */
  public List<Run> runs() {
    return db.read("list runs", Rows::allRuns);
  }

  // -------------------------------------------------------------------------------- rounds

  /** The last completed round and its global model, or empty before the first. */
  public Optional<CompletedRound> lastCompletedRound(long runId) {
    return db.read("read the last completed round of run " + runId, c -> {
      RunRules.requireRun(c, runId);
      return Rows.lastCompleted(c, runId);
    });
  }

  /**
   * Marks {@code round} started. Only the round after the last completed one can start. Starting
   * a round again (after a crash) counts another attempt and discards the instructions and
   * results of the earlier attempt, whose aggregate was lost with it.
   */
  public RoundRecord startRound(long runId, int round) {
    return db.write("start round " + round + " of run " + runId, c -> {
      Run run = RunRules.requireRunning(c, runId, "start round " + round);
      RunRules.requireNext(c, run, round, "start");
      RoundRecord started = RunRows.start(c, runId, round, now());
      log.info("round started run={} round={} attempt={}", run.name(), round, started.attempts());
      return started;
    });
  }

  /**
   * Completes a round in one transaction: the round row with its metrics ({@code metrics.jsonl}
   * line) and global model id, one more contributed round for every node with a result in it,
   * instructions still pending marked failed, and the run marked completed after its last round.
   * The round must be the one after the last completed round: a round is never completed twice
   * and never skipped. Store the model blob first.
   */
  public CompletedRound completeRound(long runId, RoundMetrics metrics, ContentId modelId) {
    return completeRound(runId, metrics, modelId, Optional.empty());
  }

  /**
   * Completes a round as {@link #completeRound(long, RoundMetrics, ContentId)} does, keeping in the
   * same transaction the ledger entry that records it: the one durable record from which the
   * ledger, {@code metrics.jsonl} and the model file are brought level after a crash.
   */
  public CompletedRound completeRound(long runId, RoundMetrics metrics, ContentId modelId, Optional<String> ledgerEntry) {
    return completeRound(runId, metrics, modelId, ledgerEntry, Optional.empty());
  }

  /**
   * Completes a round as {@link #completeRound(long, RoundMetrics, ContentId, Optional)} does, with
   * the strategy's state after it ({@code serverState}, a blob: store it first), which {@link
   * #serverState} gives back when the run resumes.
   */
  public CompletedRound completeRound(long runId, RoundMetrics metrics, ContentId modelId, Optional<String> ledgerEntry,
      Optional<ContentId> serverState) {
    Objects.requireNonNull(modelId, "modelId");
    int round = metrics.round();
    return db.write("complete round " + round + " of run " + runId, c -> {
      Run run = RunRules.requireRunning(c, runId, "complete round " + round);
      RunRules.requireNext(c, run, round, "complete");
      String now = now();
      RunRows.complete(c, runId, round, modelId.value(), MetricsJsonl.line(metrics), ledgerEntry.orElse(null),
          serverState.map(ContentId::value).orElse(null), now);
      log.info("round completed run={} round={} model={}", run.name(), round, modelId);
      if (round == run.totalRounds()) {
        RunRows.setStatus(c, runId, RunStatus.COMPLETED, now);
        log.info("run completed run={} rounds={}", run.name(), round);
      }
      return new CompletedRound(round, modelId);
    });
  }

  /** The strategy's state after a completed round, if the round was committed with one. */
  public Optional<ContentId> serverState(long runId, int round) {
    return db.read("read the strategy state after round " + round + " of run " + runId,
        c -> Rows.serverState(c, runId, round));
  }

  /**
   * Every blob the runs in this database name (round models and strategy states, models work was
   * based on, accepted updates).
   */
  public Set<ContentId> referencedBlobs() {
    return db.read("list the blobs the runs name", Rows::referencedBlobs);
  }

  /** The completed rounds of a run, {@code 1..k} in order, as committed. */
  public List<CommittedRound> committedRounds(long runId) {
    return db.read("list the completed rounds of run " + runId, c -> {
      RunRules.requireRun(c, runId);
      return Rows.committedRounds(c, runId);
    });
  }

  /** The results recorded for a round, in order of arrival. */
  public List<Result> results(long runId, int round) {
    return db.read("list the results of round " + round + " of run " + runId, c -> Rows.results(c, runId, round));
  }

  /** A round of a run, if it was ever started or completed. */
  public Optional<RoundRecord> round(long runId, int round) {
    return db.read("read round " + round + " of run " + runId, c -> Rows.round(c, runId, round));
  }

  /** Every round of a run that was ever started, in order. */
  public List<RoundRecord> rounds(long runId) {
    return db.read("list the rounds of run " + runId, c -> {
      RunRules.requireRun(c, runId);
      return Rows.rounds(c, runId);
    });
  }

  // --------------------------------------------------------------------------------- nodes

  /** Marks offline every online node not heard from for longer than {@code silence}; returns their names. */
  public List<String> markOffline(Duration silence) {
    return db.write("mark silent nodes offline", c -> {
      List<String> names = BookkeepingRows.markSilent(c, Timestamps.format(clock.instant().minus(silence)));
      for (String name : names) {
        log.info("node offline node={} silent_for={}", name, silence);
      }
      return names;
    });
  }

  /** The node with this name, if it was ever heard from. */
  public Optional<Node> node(String name) {
    return db.read("read node '" + name + "'", c -> Rows.nodeByName(c, name));
  }

  /** All nodes, by name. */
  public List<Node> nodes() {
    return db.read("list nodes", Rows::allNodes);
  }

  // --------------------------------------------------------------------------- bookkeeping

  /**
   * Writes {@code entries} in order, in one transaction (one disk sync for all of them). Entries
   * that no longer apply are skipped rather than failing the batch: an instruction, its
   * resolution or a result for a round that a restart discarded or never started, a result
   * retried after it was recorded, or an ignored result for a run that is gone. An instruction or
   * ignored result naming a node never heard from fails the batch, naming the node.
   */
  public void record(List<? extends Bookkeeping> entries) {
    if (entries.isEmpty()) {
      return;
    }
    db.write("record " + entries.size() + " bookkeeping entries", c -> {
      for (Bookkeeping e : entries) {
        BookkeepingRows.write(c, e);
      }
      return null;
    });
  }

  /** Per node, the fit results accepted in a run: rounds it contributed to, including one in progress. */
  public Map<String, Integer> roundsContributed(long runId) {
    return db.read("count the rounds contributed in run " + runId, c -> Rows.roundsContributed(c, runId));
  }

  /** The instructions of a round, fit and evaluate, by node. */
  public List<Instruction> instructions(long runId, int round) {
    return db.read("list the instructions of round " + round, c -> Rows.instructions(c, runId, round));
  }

  /** Results of a run that were received but not used, in order of arrival. */
  public List<Bookkeeping.Ignored> ignoredResults(long runId) {
    return db.read("list the ignored results of run " + runId, c -> Rows.ignoredResults(c, runId));
  }

  // -------------------------------------------------------------------------------- status

  /** Every run with its progress and every node, read as one consistent snapshot. */
  public StoreStatus status() {
    return db.read("read the status", c -> {
      List<RunProgress> runs = new ArrayList<>();
      for (Run run : Rows.allRuns(c)) {
        runs.add(RunRows.progress(c, run));
      }
      return new StoreStatus(clock.instant(), runs, Rows.allNodes(c));
    });
  }

  @Override
  public void close() {
    db.close();
  }

  private String now() {
    return Timestamps.format(clock.instant());
  }
}
