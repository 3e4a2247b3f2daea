package dev.shoal.app;

import java.util.List;

/**
 * Named points in the commit of a round at which a test can stop the coordinator as a crash
 * would: started with {@code -Dshoal.fault=STEP} (or {@code STEP@ROUND}), the process halts at
 * once, with exit code {@value #EXIT_CODE} and no shutdown hooks, the first time it reaches that
 * step (of that round). Without the property every point is a no-op.
 */
final class CommitFault {

  /** The system property that names the step. */
  static final String PROPERTY = "shoal.fault";
  /** The exit code of a process halted at a fault point. */
  static final int EXIT_CODE = 87;

  /** The model blob is stored; the database has not committed the round. */
  static final String AFTER_MODEL_BLOB = "after-model-blob";
  /** The database committed the round; the ledger has not recorded it. */
  static final String AFTER_DB_COMMIT = "after-db-commit";
  /** The ledger entry is appended; no checkpoint signs it yet. */
  static final String AFTER_LEDGER_APPEND = "after-ledger-append";
  /** The checkpoint of the new entry is signed; metrics.jsonl has no line for the round. */
  static final String AFTER_CHECKPOINT = "after-checkpoint";
  /** metrics.jsonl has the round's line; the model file is the previous round's. */
  static final String AFTER_METRICS_LINE = "after-metrics-line";
  /** Every output of the round is written; nothing has been reported yet. */
  static final String AFTER_MODEL_FILE = "after-model-file";

  /** Every step, in the order a round's commit reaches them. */
  static final List<String> STEPS = List.of(AFTER_MODEL_BLOB, AFTER_DB_COMMIT, AFTER_LEDGER_APPEND,
      AFTER_CHECKPOINT, AFTER_METRICS_LINE, AFTER_MODEL_FILE);

  private CommitFault() {}

  /** Halts the process if it was started to fail at {@code step} (of {@code round}). */
  static void at(String step, long round) {
    String fault = System.getProperty(PROPERTY);
    if (fault == null || fault.isEmpty()) {
      return;
    }
    if (fault.equals(step) || fault.equals(step + "@" + round)) {
      System.err.println("fault point reached: " + step + " in round " + round + "; halting");
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }
}
