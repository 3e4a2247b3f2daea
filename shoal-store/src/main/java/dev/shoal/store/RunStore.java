package dev.shoal.store;

import dev.shoal.report.MetricsJsonl;
import dev.shoal.round.RoundMetrics;
import dev.shoal.tensor.ContentId;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's durable state in {@code DIR/state.db}: runs, rounds, nodes, instructions and
 * results. Every method is one transaction, and {@link #completeRound} in particular records the
 * round, its metrics, its model id and every node's contribution at once: after a crash a round
 * is either completed with all of that, or not at all. Safe to share between threads.
 *
 * <p>Models and updates themselves are blobs in a {@link BlobStore}; store a round's model before
 * completing the round, so that a completed round always names a model that exists.
 */
public final class RunStore implements AutoCloseable {

  /** The database's file name inside the state directory. */
  public static final String FILE_NAME = "state.db";

  private static final Logger LOG = LoggerFactory.getLogger(RunStore.class);

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
      String now = now();
      if (existing.isEmpty()) {
        try (PreparedStatement s = c.prepareStatement(
            "INSERT INTO runs (name, config_hash, config, seed, total_rounds, status, created, updated)"
                + " VALUES (?, ?, ?, ?, ?, 'running', ?, ?)")) {
          s.setString(1, spec.name());
          s.setString(2, spec.configHash());
          s.setString(3, spec.configText());
          s.setLong(4, spec.seed());
          s.setInt(5, spec.totalRounds());
          s.setString(6, now);
          s.setString(7, now);
          s.executeUpdate();
        }
        Run run = Rows.runByName(c, spec.name()).orElseThrow();
        LOG.info("event=run_created run={} id={} rounds={} config={}",
            run.name(), run.id(), run.totalRounds(), run.configHash());
        return run;
      }
      Run run = existing.get();
      refuseDifferent(run, spec);
      if (run.status() == RunStatus.FAILED) {
        setRunStatus(c, run.id(), RunStatus.RUNNING);
        run = Rows.runById(c, run.id()).orElseThrow();
      }
      LOG.info("event=run_resumed run={} id={} status={} last_completed_round={}",
          run.name(), run.id(), Rows.lower(run.status()), Rows.lastCompleted(c, run.id()).map(CompletedRound::round).orElse(0));
      return run;
    });
  }

  private static void refuseDifferent(Run run, RunSpec spec) {
    if (!run.configHash().equals(spec.configHash())) {
      throw new ConfigMismatchException("run '" + run.name() + "' was started with config "
          + run.configHash() + " but is being resumed with config " + spec.configHash()
          + "; resume it with its original configuration or start a run with another name");
    }
    if (run.seed() != spec.seed()) {
      throw new ConfigMismatchException("run '" + run.name() + "' was started with seed " + run.seed()
          + " but is being resumed with seed " + spec.seed()
          + "; resume it with its original seed or start a run with another name");
    }
    if (run.totalRounds() != spec.totalRounds()) {
      throw new ConfigMismatchException("run '" + run.name() + "' was started with " + run.totalRounds()
          + " rounds but is being resumed with " + spec.totalRounds()
          + "; resume it with its original number of rounds or start a run with another name");
    }
  }

  public Optional<Run> run(String name) {
    return db.read("read run '" + name + "'", c -> Rows.runByName(c, name));
  }

  public Optional<Run> run(long runId) {
    return db.read("read run " + runId, c -> Rows.runById(c, runId));
  }

  /** All runs, oldest first. */
  public List<Run> runs() {
    return db.read("list runs", Rows::allRuns);
  }

  /** Sets a run's status, for instance {@link RunStatus#FAILED} when it cannot go on. */
  public void setRunStatus(long runId, RunStatus status) {
    db.write("set the status of run " + runId, c -> {
      Run run = requireRun(c, runId);
      setRunStatus(c, runId, status);
      LOG.info("event=run_status run={} status={}", run.name(), Rows.lower(status));
      return null;
    });
  }

  // -------------------------------------------------------------------------------- rounds

  /** The last completed round and its global model, or empty before the first. */
  public Optional<CompletedRound> lastCompletedRound(long runId) {
    return db.read("read the last completed round of run " + runId, c -> {
      requireRun(c, runId);
      return Rows.lastCompleted(c, runId);
    });
  }

  /** The round a resumed run continues with: one after the last completed round. */
  public int nextRound(long runId) {
    return lastCompletedRound(runId).map(CompletedRound::round).orElse(0) + 1;
  }

  /**
   * Marks {@code round} started. Only the round after the last completed one can start. Starting
   * a round again (after a crash or {@link #failRound}) counts another attempt and discards the
   * instructions and results of the earlier attempt, whose aggregate was lost with it.
   */
  public RoundRecord startRound(long runId, int round) {
    return db.write("start round " + round + " of run " + runId, c -> {
      Run run = requireRunning(c, runId, "start round " + round);
      requireNext(c, run, round, "start");
      String now = now();
      Optional<RoundRecord> earlier = Rows.round(c, runId, round);
      if (earlier.isEmpty()) {
        try (PreparedStatement s = c.prepareStatement(
            "INSERT INTO rounds (run_id, round, status, attempts, started) VALUES (?, ?, 'started', 1, ?)")) {
          s.setLong(1, runId);
          s.setInt(2, round);
          s.setString(3, now);
          s.executeUpdate();
        }
      } else {
        Rows.update(c, "DELETE FROM results WHERE run_id = ? AND round = ?", runId, round);
        Rows.update(c, "DELETE FROM instructions WHERE run_id = ? AND round = ?", runId, round);
        Rows.update(c, "UPDATE rounds SET status = 'started', attempts = attempts + 1, error = NULL,"
            + " started = ?, finished = NULL WHERE run_id = ? AND round = ?", now, runId, round);
      }
      RoundRecord started = Rows.round(c, runId, round).orElseThrow();
      LOG.info("event=round_started run={} round={} attempt={}", run.name(), round, started.attempts());
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
    Objects.requireNonNull(modelId, "modelId");
    int round = metrics.round();
    return db.write("complete round " + round + " of run " + runId, c -> {
      Run run = requireRunning(c, runId, "complete round " + round);
      requireNext(c, run, round, "complete");
      String now = now();
      String json = MetricsJsonl.line(metrics);
      if (Rows.round(c, runId, round).isEmpty()) {
        try (PreparedStatement s = c.prepareStatement(
            "INSERT INTO rounds (run_id, round, status, attempts, model_id, metrics, started, finished)"
                + " VALUES (?, ?, 'completed', 1, ?, ?, ?, ?)")) {
          s.setLong(1, runId);
          s.setInt(2, round);
          s.setString(3, modelId.value());
          s.setString(4, json);
          s.setString(5, now);
          s.setString(6, now);
          s.executeUpdate();
        }
      } else {
        Rows.update(c, "UPDATE rounds SET status = 'completed', model_id = ?, metrics = ?, error = NULL,"
            + " finished = ? WHERE run_id = ? AND round = ?", modelId.value(), json, now, runId, round);
      }
      Rows.update(c, "UPDATE nodes SET rounds_contributed = rounds_contributed + 1 WHERE name IN"
          + " (SELECT node FROM results WHERE run_id = ? AND round = ? UNION SELECT node FROM instructions"
          + " WHERE run_id = ? AND round = ? AND kind = 'fit' AND status = 'done')", runId, round, runId, round);
      Rows.update(c, "UPDATE instructions SET status = 'failed',"
          + " reason = 'no result before the round completed', updated = ?"
          + " WHERE run_id = ? AND round = ? AND status = 'pending'", now, runId, round);
      if (round == run.totalRounds()) {
        setRunStatus(c, runId, RunStatus.COMPLETED);
      }
      LOG.info("event=round_completed run={} round={} model={}", run.name(), round, modelId);
      if (round == run.totalRounds()) {
        LOG.info("event=run_completed run={} rounds={}", run.name(), round);
      }
      return new CompletedRound(round, modelId);
    });
  }

  /** Marks a started round failed with a reason; it can be started again. */
  public void failRound(long runId, int round, String error) {
    Objects.requireNonNull(error, "error");
    db.write("fail round " + round + " of run " + runId, c -> {
      Run run = requireRun(c, runId);
      RoundRecord r = Rows.round(c, runId, round).orElseThrow(() -> new IllegalStateException(
          "round " + round + " of run '" + run.name() + "' cannot fail: it was never started"));
      if (r.status() != RoundStatus.STARTED) {
        throw new IllegalStateException("round " + round + " of run '" + run.name()
            + "' cannot fail: it is " + Rows.lower(r.status()) + ", not started");
      }
      Rows.update(c, "UPDATE rounds SET status = 'failed', error = ?, finished = ? WHERE run_id = ? AND round = ?",
          error, now(), runId, round);
      LOG.warn("event=round_failed run={} round={} error=\"{}\"", run.name(), round, error);
      return null;
    });
  }

  public Optional<RoundRecord> round(long runId, int round) {
    return db.read("read round " + round + " of run " + runId, c -> Rows.round(c, runId, round));
  }

  /** Every round of a run that was ever started, in order. */
  public List<RoundRecord> rounds(long runId) {
    return db.read("list the rounds of run " + runId, c -> {
      requireRun(c, runId);
      try (PreparedStatement s = c.prepareStatement(
          "SELECT " + Rows.ROUND_COLUMNS + " FROM rounds WHERE run_id = ? ORDER BY round")) {
        s.setLong(1, runId);
        return Rows.list(s, Rows::roundRow);
      }
    });
  }

  // --------------------------------------------------------------------------------- nodes

  /** Records that a node was heard from now: registers it if new and marks it online. */
  public Node heartbeat(String node) {
    requireName(node);
    return db.write("record a heartbeat of node '" + node + "'", c -> touch(c, node));
  }

  /** Marks a known node offline, for instance when its connection closes. */
  public void markOffline(String node) {
    db.write("mark node '" + node + "' offline", c -> {
      Node n = requireNode(c, node);
      if (n.status() == NodeStatus.ONLINE) {
        Rows.update(c, "UPDATE nodes SET status = 'offline' WHERE name = ?", node);
        LOG.info("event=node_offline node={} last_seen={}", node, n.lastSeen());
      }
      return null;
    });
  }

  /** Marks offline every online node not heard from for longer than {@code silence}; returns their names. */
  public List<String> markOffline(Duration silence) {
    return db.write("mark silent nodes offline", c -> {
      String cutoff = Timestamps.format(clock.instant().minus(silence));
      List<String> names = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT name FROM nodes WHERE status = 'online' AND last_seen < ? ORDER BY name")) {
        s.setString(1, cutoff);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            names.add(rs.getString(1));
          }
        }
      }
      Rows.update(c, "UPDATE nodes SET status = 'offline' WHERE status = 'online' AND last_seen < ?", cutoff);
      for (String name : names) {
        LOG.info("event=node_offline node={} silent_for={}", name, silence);
      }
      return names;
    });
  }

  public Optional<Node> node(String name) {
    return db.read("read node '" + name + "'", c -> Rows.nodeByName(c, name));
  }

  /** All nodes, by name. */
  public List<Node> nodes() {
    return db.read("list nodes", Rows::allNodes);
  }

  // -------------------------------------------------------------------------- instructions

  /**
   * Records that {@code node} was asked to train from {@code baseModelId} with {@code config} in a
   * started round. Issuing the same instruction again makes it pending again.
   */
  public Instruction addInstruction(
      long runId, int round, String node, ContentId baseModelId, Map<String, String> config) {
    Objects.requireNonNull(baseModelId, "baseModelId");
    String configJson = JsonMaps.strings(config);
    return db.write("record an instruction for node '" + node + "' in round " + round, c -> {
      Run run = requireRun(c, runId);
      requireNode(c, node);
      requireStarted(c, run, round, "take an instruction for node '" + node + "'");
      String now = now();
      BookkeepingRows.instruct(c, runId, round, node, InstructionKind.FIT, baseModelId.value(), configJson, now);
      return Rows.instruction(c, runId, round, node).orElseThrow();
    });
  }

  /** Records what became of an instruction: done, failed or rejected, with a reason for the latter two. */
  public void resolveInstruction(
      long runId, int round, String node, InstructionStatus status, String reason) {
    if (status == InstructionStatus.PENDING) {
      throw new IllegalArgumentException("an instruction is resolved as done, failed or rejected, not pending");
    }
    db.write("resolve the instruction for node '" + node + "' in round " + round, c -> {
      Run run = requireRun(c, runId);
      if (Rows.instruction(c, runId, round, node).isEmpty()) {
        throw new IllegalArgumentException("run '" + run.name() + "' has no instruction for node '"
            + node + "' in round " + round);
      }
      BookkeepingRows.resolve(c, runId, round, node, InstructionKind.FIT, status, reason, now());
      if (status != InstructionStatus.DONE) {
        LOG.info("event=instruction_{} run={} round={} node={} reason=\"{}\"",
            Rows.lower(status), run.name(), round, node, reason);
      }
      return null;
    });
  }

  /** The instructions of a round, fit and evaluate, by node. */
  public List<Instruction> instructions(long runId, int round) {
    return db.read("list the instructions of round " + round, c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + Rows.INSTRUCTION_COLUMNS
          + " FROM instructions WHERE run_id = ? AND round = ? ORDER BY node, kind")) {
        s.setLong(1, runId);
        s.setInt(2, round);
        return Rows.list(s, Rows::instructionRow);
      }
    });
  }

  // --------------------------------------------------------------------------- bookkeeping

  /**
   * Writes {@code entries} in order, in one transaction (one disk sync for all of them). Entries
   * that no longer apply are skipped rather than failing the batch: a resolution of an
   * instruction that a restarted round discarded, or an ignored result for a run that is gone.
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
    return db.read("count the rounds contributed in run " + runId, c -> {
      Map<String, Integer> counts = new java.util.TreeMap<>();
      try (PreparedStatement s = c.prepareStatement("SELECT node, count(*) FROM instructions"
          + " WHERE run_id = ? AND kind = 'fit' AND status = 'done' GROUP BY node")) {
        s.setLong(1, runId);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            counts.put(rs.getString(1), rs.getInt(2));
          }
        }
      }
      return counts;
    });
  }

  /** Results of a run that were received but not used, in order of arrival. */
  public List<Bookkeeping.Ignored> ignoredResults(long runId) {
    return db.read("list the ignored results of run " + runId, c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT run_id, round, node, kind, receipt, received"
          + " FROM ignored_results WHERE run_id = ? ORDER BY id")) {
        s.setLong(1, runId);
        return Rows.list(s, rs -> new Bookkeeping.Ignored(rs.getLong(1), rs.getInt(2), rs.getString(3),
            Rows.parse(InstructionKind.class, rs.getString(4)), Rows.parse(Bookkeeping.Receipt.class, rs.getString(5)),
            Timestamps.parse(rs.getString(6))));
      }
    });
  }

  // ------------------------------------------------------------------------------- results

  /**
   * Records a node's result for a started round, marks its instruction done and the node seen.
   * A retried upload of a result already recorded changes nothing.
   *
   * @return true if the result is new, false if this node's result for the round was already recorded
   */
  public boolean recordResult(Result result) {
    String what = "record the result of node '" + result.node() + "' for round " + result.round();
    return db.write(what, c -> {
      Run run = requireRun(c, result.runId());
      Optional<Result> earlier = Rows.result(c, result.runId(), result.round(), result.node());
      if (earlier.isPresent()) {
        if (!earlier.get().updateId().equals(result.updateId())) {
          LOG.warn("event=result_duplicate run={} round={} node={} kept={} ignored={}", run.name(),
              result.round(), result.node(), earlier.get().updateId(), result.updateId());
        }
        return false;
      }
      requireNode(c, result.node());
      requireStarted(c, run, result.round(), "take a result from node '" + result.node() + "'");
      String now = now();
      Rows.update(c, "INSERT INTO results (run_id, round, node, update_id, num_examples, metrics, received)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)", result.runId(), result.round(), result.node(),
          result.updateId().value(), result.numExamples(), JsonMaps.numbers(result.metrics()), now);
      Rows.update(c, "UPDATE instructions SET status = 'done', reason = NULL, updated = ?"
          + " WHERE run_id = ? AND round = ? AND node = ? AND kind = 'fit' AND status = 'pending'",
          now, result.runId(), result.round(), result.node());
      touch(c, result.node());
      return true;
    });
  }

  /** The results of a round, in the order they were received. */
  public List<Result> results(long runId, int round) {
    return db.read("list the results of round " + round, c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + Rows.RESULT_COLUMNS
          + " FROM results WHERE run_id = ? AND round = ? ORDER BY id")) {
        s.setLong(1, runId);
        s.setInt(2, round);
        return Rows.list(s, Rows::resultRow);
      }
    });
  }

  // -------------------------------------------------------------------------------- status

  /** Every run with its progress and every node, read as one consistent snapshot. */
  public StoreStatus status() {
    return db.read("read the status", c -> {
      List<RunProgress> runs = new ArrayList<>();
      for (Run run : Rows.allRuns(c)) {
        Optional<CompletedRound> last = Rows.lastCompleted(c, run.id());
        OptionalInt inProgress = OptionalInt.empty();
        try (PreparedStatement s = c.prepareStatement(
            "SELECT max(round) FROM rounds WHERE run_id = ? AND status <> 'completed'")) {
          s.setLong(1, run.id());
          try (ResultSet rs = s.executeQuery()) {
            int round = rs.next() ? rs.getInt(1) : 0;
            if (round > 0) {
              inProgress = OptionalInt.of(round);
            }
          }
        }
        runs.add(new RunProgress(run, last.map(CompletedRound::round).orElse(0),
            last.map(CompletedRound::modelId), inProgress));
      }
      return new StoreStatus(clock.instant(), runs, Rows.allNodes(c));
    });
  }

  @Override
  public void close() {
    db.close();
  }

  // ------------------------------------------------------------------------------- helpers

  private String now() {
    return Timestamps.format(clock.instant());
  }

  private static void requireName(String node) {
    Objects.requireNonNull(node, "node");
    if (node.isBlank()) {
      throw new IllegalArgumentException("node name must not be blank");
    }
  }

  private static Run requireRun(Connection c, long runId) throws SQLException {
    return Rows.runById(c, runId).orElseThrow(() -> new IllegalArgumentException(
        "no run with id " + runId + " in the state database"));
  }

  private static Run requireRunning(Connection c, long runId, String action) throws SQLException {
    Run run = requireRun(c, runId);
    if (run.status() != RunStatus.RUNNING) {
      throw new IllegalStateException("run '" + run.name() + "' cannot " + action + ": it is "
          + Rows.lower(run.status()) + (run.status() == RunStatus.COMPLETED
              ? " (all " + run.totalRounds() + " rounds are done)" : "; open it again to resume"));
    }
    return run;
  }

  private static void requireNext(Connection c, Run run, int round, String action) throws SQLException {
    int last = Rows.lastCompleted(c, run.id()).map(CompletedRound::round).orElse(0);
    if (round <= last) {
      throw new IllegalStateException("run '" + run.name() + "' cannot " + action + " round " + round
          + ": it is already completed (the last completed round is " + last + ")");
    }
    if (round != last + 1) {
      throw new IllegalStateException("run '" + run.name() + "' cannot " + action + " round " + round
          + ": the last completed round is " + last + ", so the next round is " + (last + 1));
    }
    if (round > run.totalRounds()) {
      throw new IllegalStateException("run '" + run.name() + "' cannot " + action + " round " + round
          + ": it has only " + run.totalRounds() + " rounds");
    }
  }

  private static void requireStarted(Connection c, Run run, int round, String action) throws SQLException {
    Optional<RoundRecord> r = Rows.round(c, run.id(), round);
    if (r.isEmpty() || r.get().status() != RoundStatus.STARTED) {
      throw new IllegalStateException("round " + round + " of run '" + run.name() + "' cannot " + action
          + ": it is " + r.map(x -> Rows.lower(x.status())).orElse("not started"));
    }
  }

  private static Node requireNode(Connection c, String node) throws SQLException {
    return Rows.nodeByName(c, node).orElseThrow(() -> new IllegalArgumentException(
        "unknown node '" + node + "': a node is registered by its first heartbeat"));
  }

  private Node touch(Connection c, String node) throws SQLException {
    Optional<Node> before = Rows.nodeByName(c, node);
    String now = now();
    Rows.update(c, "INSERT INTO nodes (name, first_seen, last_seen, status) VALUES (?, ?, ?, 'online')"
        + " ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen, status = 'online'", node, now, now);
    if (before.isEmpty() || before.get().status() == NodeStatus.OFFLINE) {
      LOG.info("event=node_online node={} new={}", node, before.isEmpty());
    }
    return Rows.nodeByName(c, node).orElseThrow();
  }

  private void setRunStatus(Connection c, long runId, RunStatus status) throws SQLException {
    Rows.update(c, "UPDATE runs SET status = ?, updated = ? WHERE id = ?", Rows.lower(status), now(), runId);
  }

}
