package dev.shoal.store;

import dev.shoal.tensor.ContentId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Reading rows of the state database into records, and the statements every writer shares. */
final class Rows {

  static final String RUN_COLUMNS = "id, name, config_hash, config, seed, total_rounds, status, created";
  static final String ROUND_COLUMNS =
      "run_id, round, status, attempts, model_id, metrics, error, started, finished";
  static final String NODE_COLUMNS = "name, first_seen, last_seen, status, rounds_contributed";
  static final String INSTRUCTION_COLUMNS = "run_id, round, node, base_model_id, config, status, reason, kind";
  static final String RESULT_COLUMNS = "run_id, round, node, update_id, num_examples, metrics, received";

  private Rows() {}

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  static <E extends Enum<E>> E parse(Class<E> type, String value) {
    return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
  }

  static Optional<CompletedRound> lastCompleted(Connection c, long runId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT round, model_id FROM rounds"
        + " WHERE run_id = ? AND status = 'completed' ORDER BY round DESC LIMIT 1")) {
      s.setLong(1, runId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next()
            ? Optional.of(new CompletedRound(rs.getInt(1), new ContentId(rs.getString(2))))
            : Optional.empty();
      }
    }
  }

  static Optional<ContentId> serverState(Connection c, long runId, int round) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT server_state_id FROM rounds WHERE run_id = ? AND round = ?"
        + " AND status = 'completed' AND server_state_id IS NOT NULL")) {
      s.setLong(1, runId);
      s.setInt(2, round);
      return one(s, rs -> new ContentId(rs.getString(1)));
    }
  }

  /**
   * Every blob a run of this database names: round models and strategy states, the models work was
   * based on, accepted updates.
   */
  static Set<ContentId> referencedBlobs(Connection c) throws SQLException {
    Set<ContentId> ids = new HashSet<>();
    try (PreparedStatement s = c.prepareStatement("SELECT model_id FROM rounds WHERE model_id IS NOT NULL"
            + " UNION SELECT server_state_id FROM rounds WHERE server_state_id IS NOT NULL"
            + " UNION SELECT base_model_id FROM instructions UNION SELECT update_id FROM results");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        ids.add(new ContentId(rs.getString(1)));
      }
    }
    return ids;
  }

  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      return s.executeUpdate();
    }
  }

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  static <T> List<T> list(PreparedStatement s, RowMapper<T> mapper) throws SQLException {
    List<T> rows = new ArrayList<>();
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        rows.add(mapper.map(rs));
      }
    }
    return rows;
  }

  static <T> Optional<T> one(PreparedStatement s, RowMapper<T> mapper) throws SQLException {
    List<T> rows = list(s, mapper);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  static Optional<Run> runByName(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs WHERE name = ?")) {
      s.setString(1, name);
      return one(s, Rows::runRow);
    }
  }

  static Optional<Run> runById(Connection c, long id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?")) {
      s.setLong(1, id);
      return one(s, Rows::runRow);
    }
  }

  static List<Run> allRuns(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs ORDER BY id")) {
      return list(s, Rows::runRow);
    }
  }

  static Optional<RoundRecord> round(Connection c, long runId, int round) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT " + ROUND_COLUMNS + " FROM rounds WHERE run_id = ? AND round = ?")) {
      s.setLong(1, runId);
      s.setInt(2, round);
      return one(s, Rows::roundRow);
    }
  }

  static Optional<Node> nodeByName(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + NODE_COLUMNS + " FROM nodes WHERE name = ?")) {
      s.setString(1, name);
      return one(s, Rows::nodeRow);
    }
  }

  static List<Node> allNodes(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + NODE_COLUMNS + " FROM nodes ORDER BY name")) {
      return list(s, Rows::nodeRow);
    }
  }

  static List<CommittedRound> committedRounds(Connection c, long runId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT round, model_id, metrics, ledger_entry FROM rounds"
        + " WHERE run_id = ? AND status = 'completed' ORDER BY round")) {
      s.setLong(1, runId);
      return list(s, rs -> new CommittedRound(rs.getInt(1), new ContentId(rs.getString(2)), rs.getString(3),
          Optional.ofNullable(rs.getString(4))));
    }
  }

  static List<RoundRecord> rounds(Connection c, long runId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT " + ROUND_COLUMNS + " FROM rounds WHERE run_id = ? ORDER BY round")) {
      s.setLong(1, runId);
      return list(s, Rows::roundRow);
    }
  }

  static List<Instruction> instructions(Connection c, long runId, int round) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + INSTRUCTION_COLUMNS
        + " FROM instructions WHERE run_id = ? AND round = ? ORDER BY node, kind")) {
      s.setLong(1, runId);
      s.setInt(2, round);
      return list(s, Rows::instructionRow);
    }
  }

  /** The results of a round, in the order they were received. */
  static List<Result> results(Connection c, long runId, int round) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + RESULT_COLUMNS
        + " FROM results WHERE run_id = ? AND round = ? ORDER BY id")) {
      s.setLong(1, runId);
      s.setInt(2, round);
      return list(s, Rows::resultRow);
    }
  }

  static List<Bookkeeping.Ignored> ignoredResults(Connection c, long runId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT run_id, round, node, kind, receipt, received"
        + " FROM ignored_results WHERE run_id = ? ORDER BY id")) {
      s.setLong(1, runId);
      return list(s, rs -> new Bookkeeping.Ignored(rs.getLong(1), rs.getInt(2), rs.getString(3),
          parse(InstructionKind.class, rs.getString(4)), parse(Bookkeeping.Receipt.class, rs.getString(5)),
          Timestamps.parse(rs.getString(6))));
    }
  }

  /** Per node, its fit instructions in a run that ended done. */
  static Map<String, Integer> roundsContributed(Connection c, long runId) throws SQLException {
    Map<String, Integer> counts = new TreeMap<>();
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
  }

  static Run runRow(ResultSet rs) throws SQLException {
    return new Run(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
        rs.getInt(6), parse(RunStatus.class, rs.getString(7)), Timestamps.parse(rs.getString(8)));
  }

  static RoundRecord roundRow(ResultSet rs) throws SQLException {
    return new RoundRecord(rs.getLong(1), rs.getInt(2), parse(RoundStatus.class, rs.getString(3)),
        rs.getInt(4), Optional.ofNullable(rs.getString(5)).map(ContentId::new),
        Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)),
        Timestamps.parse(rs.getString(8)), Optional.ofNullable(Timestamps.parse(rs.getString(9))));
  }

  static Node nodeRow(ResultSet rs) throws SQLException {
    return new Node(rs.getString(1), Timestamps.parse(rs.getString(2)), Timestamps.parse(rs.getString(3)),
        parse(NodeStatus.class, rs.getString(4)), rs.getInt(5));
  }

  static Instruction instructionRow(ResultSet rs) throws SQLException {
    return new Instruction(rs.getLong(1), rs.getInt(2), rs.getString(3), new ContentId(rs.getString(4)),
        JsonMaps.readStrings(rs.getString(5), "instructions.config"),
        parse(InstructionStatus.class, rs.getString(6)), Optional.ofNullable(rs.getString(7)),
        parse(InstructionKind.class, rs.getString(8)));
  }

  static Result resultRow(ResultSet rs) throws SQLException {
    return new Result(rs.getLong(1), rs.getInt(2), rs.getString(3), new ContentId(rs.getString(4)),
        rs.getLong(5), JsonMaps.readNumbers(rs.getString(6), "results.metrics"),
        Timestamps.parse(rs.getString(7)));
  }
}
