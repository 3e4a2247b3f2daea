package dev.shoal.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * The state database read and written through a connection of its own, as {@code sqlite3} would:
 * for rows the store has no read for, and for rows an earlier Shoal wrote that this one no longer
 * writes (a failed run, a failed round).
 */
final class StoredRows {

  private StoredRows() {}

  private static Connection connect(Path dir) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(RunStore.FILE_NAME));
  }

  /** The results of a round, in the order they were received. */
  static List<Result> results(Path dir, long runId, int round) {
    try (Connection c = connect(dir)) {
      return Rows.results(c, runId, round);
    } catch (SQLException e) {
      throw new AssertionError("cannot read the results of round " + round + " in " + dir + ": " + e, e);
    }
  }

  /** Runs one statement, as an earlier Shoal or someone at the {@code sqlite3} prompt would. */
  static void execute(Path dir, String sql, Object... args) {
    try (Connection c = connect(dir)) {
      Rows.update(c, sql, args);
    } catch (SQLException e) {
      throw new AssertionError("cannot run '" + sql + "' on " + dir + ": " + e, e);
    }
  }
}
