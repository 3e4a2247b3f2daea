package dev.shoal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database file itself: mode, schema version, and files that are not ours. */
class StateDatabaseTest {

  @TempDir Path dir;

  private Connection raw() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(RunStore.FILE_NAME));
  }

  private String query(String sql) throws SQLException {
    try (Connection c = raw(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  @Test
  void createsAVersionedSchemaInWalMode() throws SQLException {
    RunStore.open(dir).close();
    assertThat(query("PRAGMA journal_mode")).isEqualTo("wal");
    assertThat(query("PRAGMA user_version")).isEqualTo(Integer.toString(Schema.VERSION));
    List<String> tables = new ArrayList<>();
    try (Connection c = raw(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    assertThat(tables).containsExactly("ignored_results", "instructions", "nodes", "results", "rounds", "runs");
  }

  @Test
  void everyConnectionIsDurableAndChecksForeignKeys() {
    try (Database db = Database.open(dir.resolve(RunStore.FILE_NAME))) {
      assertThat(db.pragma("journal_mode")).isEqualTo("wal");
      assertThat(db.pragma("synchronous")).as("2 is FULL").isEqualTo("2");
      assertThat(db.pragma("foreign_keys")).isEqualTo("1");
      assertThat(db.pragma("busy_timeout")).isEqualTo("10000");
    }
  }

  @Test
  void reopeningKeepsTheSchema() {
    try (RunStore store = RunStore.open(dir)) {
      store.openRun(RunSpec.of("r", "c", 1, 1));
    }
    try (RunStore store = RunStore.open(dir)) {
      assertThat(store.runs()).extracting(Run::name).containsExactly("r");
    }
  }

  @Test
  void theSchemaRefusesRowsThatBreakItsRules() throws SQLException {
    RunStore.open(dir).close();
    try (Connection c = raw(); Statement s = c.createStatement()) {
      s.execute("PRAGMA foreign_keys = ON");
      assertThatThrownBy(() -> s.execute("INSERT INTO rounds (run_id, round, status, started) VALUES (1, 1, 'started', 'x')"))
          .hasMessageContaining("FOREIGN KEY");
      s.execute("INSERT INTO runs (name, config_hash, config, seed, total_rounds, status, created, updated)"
          + " VALUES ('r', 'h', 'c', 1, 1, 'running', 't', 't')");
      assertThatThrownBy(() -> s.execute("INSERT INTO rounds (run_id, round, status, started) VALUES (1, 1, 'done', 'x')"))
          .hasMessageContaining("CHECK");
      assertThatThrownBy(() -> s.execute("INSERT INTO rounds (run_id, round, status, started) VALUES (1, 1, 'completed', 'x')"))
          .hasMessageContaining("CHECK");
    }
  }

  @Test
  void aDatabaseFromANewerShoalIsRefused() throws SQLException {
    RunStore.open(dir).close();
    try (Connection c = raw(); Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = " + (Schema.VERSION + 1));
    }
    assertThatThrownBy(() -> RunStore.open(dir))
        .isInstanceOf(NewerSchemaException.class)
        .hasMessageContaining(dir.resolve("state.db").toString())
        .hasMessageContaining("schema version " + (Schema.VERSION + 1))
        .hasMessageContaining("understands (" + Schema.VERSION + ")");
    assertThat(query("PRAGMA user_version")).isEqualTo(Integer.toString(Schema.VERSION + 1));
  }

  @Test
  void aFileThatIsNotADatabaseIsRefused() throws Exception {
    Files.write(dir.resolve("state.db"), "these are not the bytes of a database, not at all".repeat(100)
        .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> RunStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot open state database " + dir.resolve("state.db"))
        .hasMessageContaining("is it an SQLite file written by Shoal?");
  }

  @Test
  void aDatabaseOfSomethingElseIsRefused() throws SQLException {
    try (Connection c = raw(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    }
    assertThatThrownBy(() -> RunStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("already has tables but no Shoal schema version");
  }
}
