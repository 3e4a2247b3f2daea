package dev.shoal.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a run and its rounds must satisfy before the store changes them, each refusal a specific
 * one-line message: a run is resumed only with the settings it was created with, and rounds
 * start and complete in order, one after the last completed round.
 */
final class RunRules {

  private RunRules() {}

  /** Refuses to resume {@code run} with a configuration hash, seed or round count other than its own. */
  static void requireSame(Run run, RunSpec spec) {
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

  static Run requireRun(Connection c, long runId) throws SQLException {
    return Rows.runById(c, runId).orElseThrow(() -> new IllegalArgumentException(
        "no run with id " + runId + " in the state database"));
  }

  /** The run, if it is running: a completed run has no more rounds, a failed one must be opened again. */
  static Run requireRunning(Connection c, long runId, String action) throws SQLException {
    Run run = requireRun(c, runId);
    if (run.status() != RunStatus.RUNNING) {
      throw new IllegalStateException("run '" + run.name() + "' cannot " + action + ": it is "
          + Rows.lower(run.status()) + (run.status() == RunStatus.COMPLETED
              ? " (all " + run.totalRounds() + " rounds are done)" : "; open it again to resume"));
    }
    return run;
  }

  /** Refuses any round but the one after the last completed round, and rounds past the run's last. */
  static void requireNext(Connection c, Run run, int round, String action) throws SQLException {
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
}
