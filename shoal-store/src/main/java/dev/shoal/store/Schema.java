package dev.shoal.store;

import java.util.List;

/**
 * The state database's tables. The version is kept in {@code PRAGMA user_version}; a database
 * with a higher version than {@link #VERSION} is refused. Timestamps are UTC ISO-8601 text with
 * milliseconds, so they sort and compare as strings and read well in {@code sqlite3}.
 */
final class Schema {

  /** The schema this code reads and writes. */
  static final int VERSION = 4;

  /** Statements that create version 1 on an empty database. */
  static final List<String> V1 = List.of(
      """
      CREATE TABLE runs (
        id           INTEGER PRIMARY KEY,
        name         TEXT    NOT NULL UNIQUE,
        config_hash  TEXT    NOT NULL,
        config       TEXT    NOT NULL,
        seed         INTEGER NOT NULL,
        total_rounds INTEGER NOT NULL CHECK (total_rounds >= 1),
        status       TEXT    NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        created      TEXT    NOT NULL,
        updated      TEXT    NOT NULL
      )""",
      """
      CREATE TABLE rounds (
        run_id   INTEGER NOT NULL REFERENCES runs (id),
        round    INTEGER NOT NULL CHECK (round >= 1),
        status   TEXT    NOT NULL CHECK (status IN ('started', 'completed', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 1,
        model_id TEXT,
        metrics  TEXT,
        error    TEXT,
        started  TEXT    NOT NULL,
        finished TEXT,
        PRIMARY KEY (run_id, round),
        CHECK (status <> 'completed' OR (model_id IS NOT NULL AND finished IS NOT NULL))
      )""",
      """
      CREATE TABLE nodes (
        name               TEXT    PRIMARY KEY,
        first_seen         TEXT    NOT NULL,
        last_seen          TEXT    NOT NULL,
        status             TEXT    NOT NULL CHECK (status IN ('online', 'offline')),
        rounds_contributed INTEGER NOT NULL DEFAULT 0
      )""",
      """
      CREATE TABLE instructions (
        run_id        INTEGER NOT NULL,
        round         INTEGER NOT NULL,
        node          TEXT    NOT NULL REFERENCES nodes (name),
        base_model_id TEXT    NOT NULL,
        config        TEXT    NOT NULL,
        status        TEXT    NOT NULL
                      CHECK (status IN ('pending', 'done', 'failed', 'rejected')),
        reason        TEXT,
        created       TEXT    NOT NULL,
        updated       TEXT    NOT NULL,
        PRIMARY KEY (run_id, round, node),
        FOREIGN KEY (run_id, round) REFERENCES rounds (run_id, round)
      )""",
      """
      CREATE TABLE results (
        id           INTEGER PRIMARY KEY,
        run_id       INTEGER NOT NULL,
        round        INTEGER NOT NULL,
        node         TEXT    NOT NULL REFERENCES nodes (name),
        update_id    TEXT    NOT NULL,
        num_examples INTEGER NOT NULL CHECK (num_examples >= 1),
        metrics      TEXT    NOT NULL,
        received     TEXT    NOT NULL,
        UNIQUE (run_id, round, node),
        FOREIGN KEY (run_id, round) REFERENCES rounds (run_id, round)
      )""",
      "CREATE INDEX nodes_by_status ON nodes (status, last_seen)",
      "CREATE INDEX results_by_node ON results (node)");

  /**
   * Statements that turn version 1 into version 2: instructions gain a kind (fit or evaluate, both
   * per node and round) and the outcomes timed_out and offline; results the coordinator did not
   * use (duplicate, late, not instructed) get a table of their own.
   */
  static final List<String> V2 = List.of(
      "ALTER TABLE instructions RENAME TO instructions_v1",
      """
      CREATE TABLE instructions (
        run_id        INTEGER NOT NULL,
        round         INTEGER NOT NULL,
        node          TEXT    NOT NULL REFERENCES nodes (name),
        kind          TEXT    NOT NULL CHECK (kind IN ('fit', 'evaluate')),
        base_model_id TEXT    NOT NULL,
        config        TEXT    NOT NULL,
        status        TEXT    NOT NULL
                      CHECK (status IN ('pending', 'done', 'failed', 'rejected', 'timed_out', 'offline')),
        reason        TEXT,
        created       TEXT    NOT NULL,
        updated       TEXT    NOT NULL,
        PRIMARY KEY (run_id, round, node, kind),
        FOREIGN KEY (run_id, round) REFERENCES rounds (run_id, round)
      )""",
      "INSERT INTO instructions (run_id, round, node, kind, base_model_id, config, status, reason, created, updated)"
          + " SELECT run_id, round, node, 'fit', base_model_id, config, status, reason, created, updated"
          + " FROM instructions_v1",
      "DROP TABLE instructions_v1",
      """
      CREATE TABLE ignored_results (
        id       INTEGER PRIMARY KEY,
        run_id   INTEGER NOT NULL REFERENCES runs (id),
        round    INTEGER NOT NULL,
        node     TEXT    NOT NULL REFERENCES nodes (name),
        kind     TEXT    NOT NULL CHECK (kind IN ('fit', 'evaluate')),
        receipt  TEXT    NOT NULL CHECK (receipt IN ('duplicate', 'late', 'not_instructed')),
        received TEXT    NOT NULL
      )""");

  /**
   * Statements that turn version 2 into version 3: a completed round keeps the ledger entry that
   * records it, committed with the round, so the ledger can be brought level with the database
   * after a crash between the two.
   */
  static final List<String> V3 = List.of("ALTER TABLE rounds ADD COLUMN ledger_entry TEXT");

  /** Version 4: the strategy's state after a round (a blob), so a resumed run goes on with it. */
  static final List<String> V4 = List.of("ALTER TABLE rounds ADD COLUMN server_state_id TEXT");

  /** The statements that take a database of version {@code to − 1} to version {@code to} (2 to {@link #VERSION}). */
  static List<String> upgradeTo(int to) {
    return switch (to) {
      case 2 -> V2;
      case 3 -> V3;
      case 4 -> V4;
      default -> throw new IllegalArgumentException("no upgrade to schema version " + to);
    };
  }

  private Schema() {}
}
