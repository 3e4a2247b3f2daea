package dev.shoal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL behind the bookkeeping of nodes and their work: {@link RunStore#record}, one {@link
 * Bookkeeping} entry at a time inside its transaction, and marking silent nodes offline.
 */
final class BookkeepingRows {

  private static final Logger log = LoggerFactory.getLogger(BookkeepingRows.class);

  private BookkeepingRows() {}

  /**
   * Writes one entry; one that no longer applies changes nothing: its round or run is gone, or it
   * is a result already recorded. A result the engine accepted just before its round completed
   * may be written after the round: it is kept, since the engine decides what is late.
   */
  static void write(Connection c, Bookkeeping e) throws SQLException {
    switch (e) {
      case Bookkeeping.NodeSeen n -> seen(c, n);
      case Bookkeeping.Instructed i -> {
        if (Rows.round(c, i.runId(), i.round()).isPresent()) {
          requireNode(c, i.node());
          instruct(c, i.runId(), i.round(), i.node(), i.kind(), i.baseModelId().value(),
              JsonMaps.strings(i.config()), Timestamps.format(i.at()));
        }
      }
      case Bookkeeping.Resolved r ->
          resolve(c, r.runId(), r.round(), r.node(), r.kind(), r.status(), r.reason(), Timestamps.format(r.at()));
      case Bookkeeping.Received r -> {
        Result x = r.result();
        Rows.update(c, "INSERT OR IGNORE INTO results"
            + " (run_id, round, node, update_id, num_examples, metrics, received)"
            + " SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM rounds WHERE run_id = ? AND round = ?)"
            + " AND EXISTS (SELECT 1 FROM nodes WHERE name = ?)",
            x.runId(), x.round(), x.node(), x.updateId().value(), x.numExamples(), JsonMaps.numbers(x.metrics()),
            Timestamps.format(r.at()), x.runId(), x.round(), x.node());
      }
      case Bookkeeping.Ignored i -> {
        if (Rows.runById(c, i.runId()).isPresent()) {
          requireNode(c, i.node());
          Rows.update(c, "INSERT INTO ignored_results (run_id, round, node, kind, receipt, received)"
              + " VALUES (?, ?, ?, ?, ?, ?)", i.runId(), i.round(), i.node(), Rows.lower(i.kind()),
              Rows.lower(i.receipt()), Timestamps.format(i.at()));
        }
      }
    }
  }

  private static void seen(Connection c, Bookkeeping.NodeSeen n) throws SQLException {
    Optional<Node> before = Rows.nodeByName(c, n.node());
    String at = Timestamps.format(n.at());
    Rows.update(c, "INSERT INTO nodes (name, first_seen, last_seen, status) VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (name) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen), status = excluded.status",
        n.node(), at, at, Rows.lower(n.status()));
    if (before.map(Node::status).orElse(null) != n.status()) {
      log.info("node status changed node={} status={} at={}", n.node(), Rows.lower(n.status()), at);
    }
  }

  private static void instruct(Connection c, long runId, int round, String node, InstructionKind kind,
      String baseModelId, String configJson, String now) throws SQLException {
    Rows.update(c, "INSERT INTO instructions"
        + " (run_id, round, node, kind, base_model_id, config, status, reason, created, updated)"
        + " VALUES (?, ?, ?, ?, ?, ?, 'pending', NULL, ?, ?)"
        + " ON CONFLICT (run_id, round, node, kind) DO UPDATE SET base_model_id = excluded.base_model_id,"
        + " config = excluded.config, status = 'pending', reason = NULL, updated = excluded.updated",
        runId, round, node, Rows.lower(kind), baseModelId, configJson, now, now);
  }

  private static void resolve(Connection c, long runId, int round, String node, InstructionKind kind,
      InstructionStatus status, String reason, String now) throws SQLException {
    Rows.update(c, "UPDATE instructions SET status = ?, reason = ?, updated = ?"
        + " WHERE run_id = ? AND round = ? AND node = ? AND kind = ?",
        Rows.lower(status), reason, now, runId, round, node, Rows.lower(kind));
  }

  /** Marks offline every online node last seen before {@code cutoff}; returns their names. */
  static List<String> markSilent(Connection c, String cutoff) throws SQLException {
    List<String> names;
    try (PreparedStatement s = c.prepareStatement(
        "SELECT name FROM nodes WHERE status = 'online' AND last_seen < ? ORDER BY name")) {
      s.setString(1, cutoff);
      names = Rows.list(s, rs -> rs.getString(1));
    }
    Rows.update(c, "UPDATE nodes SET status = 'offline' WHERE status = 'online' AND last_seen < ?", cutoff);
    return names;
  }

  private static void requireNode(Connection c, String node) throws SQLException {
    if (Rows.nodeByName(c, node).isEmpty()) {
      throw new IllegalArgumentException("unknown node '" + node + "': a node is registered by its first heartbeat");
    }
  }
}
