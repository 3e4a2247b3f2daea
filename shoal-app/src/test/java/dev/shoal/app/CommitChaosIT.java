package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.ledger.LedgerEntry;
import dev.shoal.ledger.LedgerLog;
import dev.shoal.ledger.RoundCompleted;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real coordinator process over and over during one run, at every step of a round's
 * commit (the {@code shoal.fault} points) and at random moments, and damages its outputs the way
 * a crash leaves them (a torn ledger append, a missing model file, a short metrics file); the run
 * must end exactly as an uninterrupted run with the same seed: every round once in
 * {@code metrics.jsonl}, the database and the ledger, the ledger verifying, the same model bytes
 * (with a strategy that carries state from round to round, so that state must survive too). A
 * damaged blob that the last completed round names (its model, the strategy's state) stops a
 * restart with a message that names it, and the run goes on once the blob is restored.
 */
class CommitChaosIT {

  static final int ROUNDS = 10;
  static final int KILLS = 22;
  /** FedAdam: every round depends on the moments the rounds before left, which must survive each kill. */
  static final String[] JOB = {"--model", "logreg", "--strategy", "fedadam", "--rounds", Integer.toString(ROUNDS),
      "--seed", "11", "--local-epochs", "1", "--batch-size", "100", "--min-clients", "2", "--contribution", "off",
      "--heartbeat-interval", "1", "--http", "off", "--insecure"};
  /** Commit steps in turn, each after a kill before the commit, so each round is killed before and after. */
  static final List<String> FAULTS = List.of(
      CommitFault.AFTER_MODEL_BLOB, CommitFault.AFTER_DB_COMMIT,
      CommitFault.AFTER_MODEL_BLOB, CommitFault.AFTER_LEDGER_APPEND,
      CommitFault.AFTER_MODEL_BLOB, CommitFault.AFTER_CHECKPOINT,
      CommitFault.AFTER_MODEL_BLOB, CommitFault.AFTER_METRICS_LINE,
      CommitFault.AFTER_MODEL_BLOB, CommitFault.AFTER_MODEL_FILE);

  final List<Process> processes = new ArrayList<>();
  @TempDir Path dir;

  @AfterEach
  void stopAll() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void killedAtEveryCommitStepAndAtRandomTheRunEndsAsAnUninterruptedOne() throws Exception {
    Shoal.Result r = Shoal.run(dir, "data", "partition", "--clients", "2", "--seed", "11", "--out", "sites");
    assertThat(r.exitCode()).as(r.err()).isZero();

    int refPort = freePort();
    Process reference = coordinator("ref", refPort, null, "reference");
    nodes(refPort, "ref");
    assertThat(reference.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(reference.exitValue()).as(Files.readString(dir.resolve("reference.err"))).isZero();

    int port = freePort();
    Path state = dir.resolve("chaos");
    nodes(port, "chaos");
    SplittableRandom random = new SplittableRandom(11);
    int kills = 0;
    int faults = 0;
    int starts = 0;
    List<String> log = new ArrayList<>();
    while (kills < KILLS && completedRounds(state).size() < ROUNDS - 1) {
      int next = completedRounds(state).size() + 1;
      String name = "chaos-" + starts++;
      if (kills % 4 == 3) {
        Process p = coordinator("chaos", port, null, name);
        Thread.sleep(random.nextLong(500, 4000));
        if (!p.isAlive()) {
          assertThat(p.exitValue()).as(Files.readString(dir.resolve(name + ".err"))).isZero();
          break;
        }
        p.destroyForcibly().waitFor();
        log.add("SIGKILL at random in round " + next);
      } else {
        String fault = FAULTS.get(faults++ % FAULTS.size()) + "@" + next;
        Process p = coordinator("chaos", port, fault, name);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("reaches %s", fault).isTrue();
        assertThat(p.exitValue()).as("halted at %s: %s", fault, Files.readString(dir.resolve(name + ".err")))
            .isEqualTo(CommitFault.EXIT_CODE);
        log.add("halted at " + fault);
      }
      kills++;
      assertConsistentAfterCrash(state);
      switch (kills) {
        // a crash in the middle of an append leaves an incomplete record: cut on restart, the round appended
        case 3 -> Files.write(state.resolve("ledger/ledger.log"), new byte[] {0, 0, 1, 7, 42},
            StandardOpenOption.APPEND);
        case 5 -> Files.deleteIfExists(state.resolve("model.safetensors"));
        case 7 -> {
          byte[] metrics = Files.readAllBytes(state.resolve("metrics.jsonl"));
          Files.write(state.resolve("metrics.jsonl"), java.util.Arrays.copyOf(metrics, metrics.length / 2));
        }
        case 9 -> refusedWhileDamaged(state, port, "server_state_id", "strategy state", false);
        case 11 -> refusedWhileDamaged(state, port, "model_id", "model", true);
        default -> { }
      }
    }
    System.out.println("kills: " + String.join("; ", log));
    Process last = coordinator("chaos", port, null, "chaos-last");
    assertThat(last.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(last.exitValue()).as(Files.readString(dir.resolve("chaos-last.err"))).isZero();

    assertThat(kills).as("kills: %s", log).isGreaterThanOrEqualTo(20);
    List<Integer> all = java.util.stream.IntStream.rangeClosed(1, ROUNDS).boxed().toList();
    assertThat(metricsRounds(state)).as("metrics.jsonl").containsExactlyElementsOf(all);
    assertThat(completedRounds(state)).as("database").containsExactlyElementsOf(all);
    List<RoundCompleted> ledger = ledgerRounds(state);
    assertThat(ledger.stream().map(RoundCompleted::round).toList()).as("ledger")
        .containsExactlyElementsOf(all.stream().map(Integer::longValue).toList());
    assertThat(ledger.stream().map(RoundCompleted::modelId).toList()).as("each round's model, as in the reference")
        .containsExactlyElementsOf(ledgerRounds(dir.resolve("ref")).stream().map(RoundCompleted::modelId).toList());
    Shoal.Result verify = Shoal.run(dir, "ledger", "verify", "chaos");
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    assertThat(Files.readAllBytes(state.resolve("model.safetensors"))).as("final model")
        .isEqualTo(Files.readAllBytes(dir.resolve("ref/model.safetensors")));
  }

  /**
   * What a crash may leave, before the next start repairs it: completed rounds 1..k in the
   * database, and in the ledger and metrics.jsonl no round twice and none the database lacks.
   */
  static void assertConsistentAfterCrash(Path state) throws Exception {
    List<Integer> db = completedRounds(state);
    assertThat(db).isEqualTo(java.util.stream.IntStream.rangeClosed(1, db.size()).boxed().toList());
    if (Files.exists(state.resolve("ledger/ledger.log"))) {
      List<Long> ledger = ledgerRounds(state).stream().map(RoundCompleted::round).toList();
      assertThat(ledger).doesNotHaveDuplicates().allSatisfy(round -> assertThat(round).isLessThanOrEqualTo(db.size()));
    }
    if (Files.exists(state.resolve("metrics.jsonl"))) {
      assertThat(metricsRounds(state)).doesNotHaveDuplicates()
          .allSatisfy(round -> assertThat(round).isLessThanOrEqualTo(db.size()));
    }
  }

  /**
   * Flips a bit in (or deletes) the blob in {@code column} of the last completed round: a restart
   * must stop with a message naming the round and the blob and change nothing; then it is restored.
   */
  void refusedWhileDamaged(Path state, int port, String column, String what, boolean delete) throws Exception {
    List<Integer> before = completedRounds(state);
    assertThat(before).as("a round completed before %s is damaged", what).isNotEmpty();
    String id;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve("state.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + column + " FROM rounds WHERE status = 'completed' ORDER BY round DESC")) {
      assertThat(rs.next()).isTrue();
      id = rs.getString(1);
    }
    assertThat(id).as("%s of round %d", column, before.getLast()).startsWith("sha256:");
    String hex = id.substring("sha256:".length());
    Path blob = state.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex.substring(2));
    byte[] original = Files.readAllBytes(blob);
    Files.delete(blob);
    if (!delete) {
      byte[] flipped = original.clone();
      flipped[flipped.length / 2] ^= 1;
      Files.write(blob, flipped);
    }
    String name = "damaged-" + column;
    Process p = coordinator("chaos", port, null, name);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("stops").isTrue();
    String err = Files.readString(dir.resolve(name + ".err"));
    assertThat(p.exitValue()).as(err).isEqualTo(Main.FAILED);
    assertThat(err).contains("error: cannot resume run 'default' after round " + before.getLast() + ": its " + what,
        id, blob.toString(), delete ? "is missing" : "is corrupt", "restore it from a backup");
    assertThat(completedRounds(state)).as("rounds after the refused start").isEqualTo(before);
    Files.deleteIfExists(blob);
    Files.write(blob, original);
  }

  static List<Integer> completedRounds(Path state) throws Exception {
    List<Integer> rounds = new ArrayList<>();
    if (!Files.exists(state.resolve("state.db"))) {
      return rounds;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve("state.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT round FROM rounds WHERE status = 'completed' ORDER BY round")) {
      while (rs.next()) {
        rounds.add(rs.getInt(1));
      }
    }
    return rounds;
  }

  static List<RoundCompleted> ledgerRounds(Path runDir) throws Exception {
    List<RoundCompleted> rounds = new ArrayList<>();
    for (byte[] e : LedgerLog.read(runDir.resolve("ledger")).entries()) {
      if (LedgerEntry.parse(e) instanceof RoundCompleted r) {
        rounds.add(r);
      }
    }
    return rounds;
  }

  /** The rounds of metrics.jsonl's complete lines. */
  static List<Integer> metricsRounds(Path runDir) throws Exception {
    var json = new ObjectMapper();
    List<Integer> rounds = new ArrayList<>();
    String text = Files.readString(runDir.resolve("metrics.jsonl"));
    for (String line : text.split("\n")) {
      if (!line.isEmpty() && line.endsWith("}")) {
        rounds.add(json.readTree(line).get("round").asInt());
      }
    }
    return rounds;
  }

  Process coordinator(String stateDir, int port, String fault, String name) throws Exception {
    List<String> jvm = fault == null ? List.of() : List.of("-D" + CommitFault.PROPERTY + "=" + fault);
    String[] args = FederationIT.concat(new String[] {"coordinator", "--state-dir", stateDir, "--listen",
        "127.0.0.1:" + port}, JOB);
    Process p = Shoal.start(dir, dir.resolve(name + ".out"), dir.resolve(name + ".err"), jvm, args);
    processes.add(p);
    return p;
  }

  void nodes(int port, String prefix) throws Exception {
    for (int i = 0; i < 2; i++) {
      String name = "client-00" + i;
      processes.add(Shoal.start(dir, dir.resolve(prefix + "-" + name + ".out"), dir.resolve(prefix + "-" + name + ".err"),
          "node", "--coordinator", "127.0.0.1:" + port, "--data-path", dir.resolve("sites/" + name).toString(),
          "--heartbeat-interval", "1", "--reconnect-max", "1", "--insecure", "--name", name));
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
