package dev.shoal.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * One SQLite connection in WAL mode with {@code synchronous=FULL} and foreign keys on, guarded by
 * a lock so that several threads can share it. Every unit of work runs in its own transaction.
 */
final class Database implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final int BUSY_TIMEOUT_MS = 10_000;

  /** Work done inside a transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection db) throws SQLException;
  }

  private final Path file;
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();
  private boolean closed;

  private Database(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /** Opens {@code file}, creating the schema on an empty database and refusing a newer one. */
  static Database open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new StoreException("cannot create the state directory " + file.getParent() + ": " + e, e);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    Connection connection;
    try {
      connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    } catch (SQLException e) {
      throw new StoreException("cannot open state database " + file + ": " + e.getMessage()
          + " (is it an SQLite file written by Shoal?)", e);
    }
    Database db = new Database(file, connection);
    try {
      db.prepare();
      return db;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  Path file() {
    return file;
  }

  /** Runs {@code work} in a write transaction (taken at once, so it never fails half-way on a lock). */
  <T> T write(String what, Work<T> work) {
    return transaction("BEGIN IMMEDIATE", what, work);
  }

  /** Runs {@code work} in a read transaction, so it sees one consistent snapshot. */
  <T> T read(String what, Work<T> work) {
    return transaction("BEGIN DEFERRED", what, work);
  }

  private <T> T transaction(String begin, String what, Work<T> work) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("cannot " + what + ": the state database " + file + " is closed");
      }
      execute(begin);
      boolean committed = false;
      try {
        T value = work.run(connection);
        execute("COMMIT");
        committed = true;
        return value;
      } finally {
        if (!committed) {
          rollback();
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot " + what + " in " + file + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /** The value of a pragma on this connection, such as {@code synchronous}. */
  String pragma(String name) {
    if (!name.matches("[a-z_]+")) {
      throw new IllegalArgumentException("not a pragma name: " + name);
    }
    return read("read pragma " + name, c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
        return rs.next() ? rs.getString(1) : null;
      }
    });
  }

  private void prepare() {
    try {
      String mode = queryString("PRAGMA journal_mode");
      if (!"wal".equalsIgnoreCase(mode)) {
        throw new StoreException("state database " + file + " could not be switched to WAL mode (it is in "
            + mode + " mode); put the state directory on a local file system");
      }
    } catch (SQLException e) {
      throw new StoreException("cannot open state database " + file + ": " + e.getMessage()
          + " (is it an SQLite file written by Shoal?)", e);
    }
    write("create the schema", db -> {
      int version = userVersion(db);
      if (version > Schema.VERSION) {
        throw new NewerSchemaException(file, version, Schema.VERSION);
      }
      if (version == 0) {
        if (tableCount(db) > 0) {
          throw new StoreException("state database " + file
              + " already has tables but no Shoal schema version; it was not written by Shoal,"
              + " use another state directory");
        }
        try (Statement s = db.createStatement()) {
          for (String ddl : Schema.V1) {
            s.execute(ddl);
          }
          s.execute("PRAGMA user_version = 1");
        }
        log.info("state db created file={} schema={}", file, Schema.VERSION);
      }
      // each upgrade in turn, from the database's version to this code's
      for (int to = Math.max(version, 1) + 1; to <= Schema.VERSION; to++) {
        try (Statement s = db.createStatement()) {
          for (String ddl : Schema.upgradeTo(to)) {
            s.execute(ddl);
          }
          s.execute("PRAGMA user_version = " + to);
        }
        if (version >= 1) {
          log.info("state db migrated file={} from={} to={}", file, version, to);
        }
      }
      return null;
    });
  }

  private static int userVersion(Connection db) throws SQLException {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static int tableCount(Connection db) throws SQLException {
    try (PreparedStatement s = db.prepareStatement(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
        ResultSet rs = s.executeQuery()) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private String queryString(String sql) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  private void rollback() {
    try {
      execute("ROLLBACK");
    } catch (SQLException e) {
      // SQLite may already have rolled back (e.g. after a failed COMMIT); anything else is worth a line
      if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
        log.warn("rollback failed file={} error=\"{}\"", file, e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        connection.close();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot close state database " + file + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }
}
