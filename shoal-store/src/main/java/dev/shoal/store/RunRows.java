package dev.shoal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The SQL behind runs and rounds: creating a run, starting a round (again), and completing one
 * with everything that goes with it, inside the caller's transaction. {@link RunRules} has
 * already checked that the change is allowed.
 */
final class RunRows {

  private RunRows() {}

  static Run insertRun(Connection c, RunSpec spec, String now) throws SQLException {
    Rows.update(c, "INSERT INTO runs (name, config_hash, config, seed, total_rounds, status, created, updated)"
        + " VALUES (?, ?, ?, ?, ?, 'running', ?, ?)",
        spec.name(), spec.configHash(), spec.configText(), spec.seed(), spec.totalRounds(), now, now);
    return Rows.runByName(c, spec.name()).orElseThrow();
  }

  static void setConfig(Connection c, long runId, RunSpec spec, String now) throws SQLException {
    Rows.update(c, "UPDATE runs SET config_hash = ?, config = ?, updated = ? WHERE id = ?",
        spec.configHash(), spec.configText(), now, runId);
  }

  static void setStatus(Connection c, long runId, RunStatus status, String now) throws SQLException {
    Rows.update(c, "UPDATE runs SET status = ?, updated = ? WHERE id = ?", Rows.lower(status), now, runId);
  }

  /**
   * Marks a round started: a new row, or one more attempt of a round started before, whose
   * instructions and results are discarded with the aggregate that died with the earlier attempt.
   */
  static RoundRecord start(Connection c, long runId, int round, String now) throws SQLException {
    if (Rows.round(c, runId, round).isEmpty()) {
      Rows.update(c, "INSERT INTO rounds (run_id, round, status, attempts, started) VALUES (?, ?, 'started', 1, ?)",
          runId, round, now);
    } else {
      Rows.update(c, "DELETE FROM results WHERE run_id = ? AND round = ?", runId, round);
      Rows.update(c, "DELETE FROM instructions WHERE run_id = ? AND round = ?", runId, round);
      Rows.update(c, "UPDATE rounds SET status = 'started', attempts = attempts + 1, error = NULL,"
          + " started = ?, finished = NULL WHERE run_id = ? AND round = ?", now, runId, round);
    }
    return Rows.round(c, runId, round).orElseThrow();
  }

  /**
   * Completes a round: its row with metrics and model, one more contributed round for every node
   * with a result or an accepted fit in it, and its pending instructions failed.
   */
  static void complete(Connection c, long runId, int round, String modelId, String metricsJson, String ledgerEntry,
      String serverStateId, String now) throws SQLException {
    if (Rows.round(c, runId, round).isEmpty()) {
      Rows.update(c, "INSERT INTO rounds (run_id, round, status, attempts, model_id, metrics, ledger_entry,"
          + " server_state_id, started, finished) VALUES (?, ?, 'completed', 1, ?, ?, ?, ?, ?, ?)", runId, round,
          modelId, metricsJson, ledgerEntry, serverStateId, now, now);
    } else {
      Rows.update(c, "UPDATE rounds SET status = 'completed', model_id = ?, metrics = ?, ledger_entry = ?,"
          + " server_state_id = ?, error = NULL, finished = ? WHERE run_id = ? AND round = ?", modelId, metricsJson,
          ledgerEntry, serverStateId, now, runId, round);
    }
    Rows.update(c, "UPDATE nodes SET rounds_contributed = rounds_contributed + 1 WHERE name IN"
        + " (SELECT node FROM results WHERE run_id = ? AND round = ? UNION SELECT node FROM instructions"
        + " WHERE run_id = ? AND round = ? AND kind = 'fit' AND status = 'done')", runId, round, runId, round);
    Rows.update(c, "UPDATE instructions SET status = 'failed',"
        + " reason = 'no result before the round completed', updated = ?"
        + " WHERE run_id = ? AND round = ? AND status = 'pending'", now, runId, round);
  }

  /** How far {@code run} has come: its last completed round and model, and a round not completed. */
  static RunProgress progress(Connection c, Run run) throws SQLException {
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
    return new RunProgress(run, last.map(CompletedRound::round).orElse(0), last.map(CompletedRound::modelId),
        inProgress);
  }
}
