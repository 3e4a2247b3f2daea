package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.Tensor;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator and node processes on loopback, as a federation would run them. */
class FederationIT {

  static final String[] JOB = {"--model", "mlp", "--rounds", "4", "--seed", "7", "--local-epochs", "1"};

  @TempDir static Path shared;
  static ParameterSet inProcess;

  final List<Process> processes = new ArrayList<>();
  @TempDir Path dir;

  @BeforeAll
  static void sameJobInOneProcess() throws Exception {
    Shoal.Result r = Shoal.run(shared,
        concat(new String[] {"simulate", "--clients", "3", "--min-clients", "3", "--out", "sim"}, JOB));
    assertThat(r.exitCode()).as(r.err()).isZero();
    inProcess = Safetensors.read(shared.resolve("sim/model.safetensors"));
    r = Shoal.run(shared, "data", "partition", "--clients", "3", "--seed", "7", "--out", "sites");
    assertThat(r.exitCode()).as(r.err()).isZero();
    r = Shoal.run(shared, "pki", "init", "--out", "pki/ca");
    assertThat(r.exitCode()).as(r.err()).isZero();
    r = Shoal.run(shared, "pki", "issue", "--ca", "pki/ca", "--name", "coordinator", "--role", "coordinator",
        "--out", "pki/coordinator");
    assertThat(r.exitCode()).as(r.err()).isZero();
    for (int i = 0; i < 3; i++) {
      r = Shoal.run(shared, "pki", "issue", "--ca", "pki/ca", "--name", "client-00" + i, "--role", "node",
          "--out", "pki/client-00" + i);
      assertThat(r.exitCode()).as(r.err()).isZero();
    }
  }

  @AfterEach
  void stopAll() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void threeNodeProcessesTrainTheSameModelAsTheSimulation() throws Exception {
    int port = freePort();
    Process coordinator = coordinator(port, "coordinator", "--min-clients", "3");
    for (int i = 0; i < 3; i++) {
      node(port, i);
    }
    assertThat(coordinator.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(coordinator.exitValue()).as(Files.readString(dir.resolve("coordinator.err"))).isZero();
    assertThat(rounds(dir.resolve("state/metrics.jsonl"))).containsExactly(1, 2, 3, 4);
    assertClose(Safetensors.read(dir.resolve("state/model.safetensors")), inProcess);
    assertBookkeeping(dir.resolve("state/state.db"), 4, List.of("client-000", "client-001", "client-002"));
    for (Process n : processes.subList(1, processes.size())) {
      assertThat(n.waitFor(30, TimeUnit.SECONDS)).as("node stops when the run is over").isTrue();
    }
    assertNoKeyInOutput();
  }

  /** No process wrote a private key, or any line of one, to its output or log. */
  void assertNoKeyInOutput() throws Exception {
    List<String> keyLines = new ArrayList<>();
    for (String kit : List.of("coordinator", "client-000", "client-001", "client-002")) {
      Files.readAllLines(Path.of(kit(kit), "key.pem")).stream().filter(l -> !l.startsWith("-----")).forEach(keyLines::add);
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".out") || p.toString().endsWith(".err")).toList()) {
        String text = Files.readString(f);
        assertThat(text).as(f.toString()).doesNotContain("PRIVATE KEY");
        keyLines.forEach(line -> assertThat(text).as(f.toString()).doesNotContain(line));
      }
    }
  }

  @Test
  void aKilledCoordinatorResumesAndNoRoundIsLostOrRepeated() throws Exception {
    int port = freePort();
    Process first = coordinator(port, "first", "--min-clients", "3");
    for (int i = 0; i < 3; i++) {
      node(port, i);
    }
    Path metrics = dir.resolve("state/metrics.jsonl");
    awaitRounds(metrics, 2, first);
    first.destroyForcibly().waitFor();
    Process second = coordinator(port, "second", "--min-clients", "3");
    awaitRounds(metrics, 3, second);
    Shoal.Result status = Shoal.run(dir, "status", "--coordinator", "127.0.0.1:" + port,
        "--kit", kit("client-000"));
    if (status.exitCode() == 0) {
      assertThat(contributed(status.out())).as(status.out()).hasSize(3)
          .allSatisfy((node, rounds) -> assertThat(rounds).as("rounds of %s, counted across the restart", node)
              .isGreaterThanOrEqualTo(3));
    } else {
      assertThat(second.waitFor(30, TimeUnit.SECONDS)).as("status fails only once the run is over").isTrue();
    }
    assertThat(second.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(second.exitValue()).as(Files.readString(dir.resolve("second.err"))).isZero();
    assertThat(Files.readString(dir.resolve("second.out"))).contains("resuming run 'default' after round");
    assertThat(rounds(metrics)).containsExactly(1, 2, 3, 4);
    assertClose(Safetensors.read(dir.resolve("state/model.safetensors")), inProcess);
    assertBookkeeping(dir.resolve("state/state.db"), 4, List.of("client-000", "client-001", "client-002"));
  }

  /** Rounds contributed per node, from the table `shoal status` prints. */
  static Map<String, Integer> contributed(String status) {
    Map<String, Integer> rounds = new TreeMap<>();
    for (String line : status.split("\\R")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].startsWith("client-")) {
        rounds.put(f[0], Integer.parseInt(f[3]));
      }
    }
    return rounds;
  }

  /** The state database: every node's fit instruction once per round, all accepted, counted across the restart. */
  static void assertBookkeeping(Path db, int rounds, List<String> nodes) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      for (int round = 1; round <= rounds; round++) {
        assertThat(rows(c, "SELECT node, status FROM instructions WHERE kind = 'fit' AND round = " + round
            + " ORDER BY node")).as("fit instructions of round %d", round)
            .containsExactlyElementsOf(nodes.stream().map(n -> n + " done").toList());
      }
      assertThat(rows(c, "SELECT node, count(*) FROM instructions WHERE kind = 'fit' AND status = 'done'"
          + " GROUP BY node ORDER BY node")).containsExactlyElementsOf(nodes.stream().map(n -> n + " " + rounds).toList());
      assertThat(rows(c, "SELECT name, rounds_contributed FROM nodes ORDER BY name"))
          .containsExactlyElementsOf(nodes.stream().map(n -> n + " " + rounds).toList());
      assertThat(rows(c, "SELECT node, count(DISTINCT update_id) FROM results GROUP BY node ORDER BY node"))
          .as("each accepted update recorded with its blob id")
          .containsExactlyElementsOf(nodes.stream().map(n -> n + " " + rounds).toList());
    }
  }

  static List<String> rows(Connection c, String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    return rows;
  }

  @Test
  void aKilledNodeDoesNotStopTheRun() throws Exception {
    int port = freePort();
    // in plaintext, so that path is exercised end to end too
    Process coordinator = coordinator(port, "coordinator", "--min-clients", "2", "--heartbeat-interval", "1",
        "--liveness-timeout", "4", "--insecure");
    List<Process> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(node(port, i, "--insecure"));
    }
    Path metrics = dir.resolve("state/metrics.jsonl");
    awaitRounds(metrics, 1, coordinator);
    nodes.get(2).destroyForcibly();
    assertThat(coordinator.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(coordinator.exitValue()).as(Files.readString(dir.resolve("coordinator.err"))).isZero();
    assertThat(rounds(metrics)).containsExactly(1, 2, 3, 4);
    var lines = Files.readAllLines(metrics);
    var json = new ObjectMapper();
    int failures = 0;
    for (String line : lines) {
      failures += json.readTree(line).get("failures").asInt();
      assertThat(json.readTree(line).get("aggregated").asBoolean()).isTrue();
    }
    assertThat(json.readTree(lines.get(3)).get("clients").asInt()).isEqualTo(2);
    assertThat(failures).isBetween(0, 1);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state/state.db"))) {
      assertThat(rows(c, "SELECT name, status FROM nodes WHERE name = 'client-002'")).containsExactly("client-002 offline");
      assertThat(rows(c, "SELECT count(*), 0 FROM instructions WHERE node = 'client-002' AND round = 4"))
          .containsExactly("0 0");
    }
  }

  /** A participant's kit directory, provisioned once for all tests. */
  static String kit(String name) {
    return shared.resolve("pki/" + name).toString();
  }

  /** A coordinator with mutual TLS, unless {@code extra} asks for {@code --insecure}. */
  Process coordinator(int port, String name, String... extra) throws Exception {
    boolean plaintext = List.of(extra).contains("--insecure");
    String[] args = concat(new String[] {"coordinator", "--state-dir", "state", "--listen", "127.0.0.1:" + port},
        plaintext ? JOB : concat(JOB, new String[] {"--kit", kit("coordinator")}));
    Process p = Shoal.start(dir, dir.resolve(name + ".out"), dir.resolve(name + ".err"), concat(args, extra));
    processes.add(p);
    return p;
  }

  Process node(int port, int i) throws Exception {
    return node(port, i, "--kit", kit("client-00" + i));
  }

  /** A node: its name comes from its kit's certificate, or from {@code --name} in plaintext. */
  Process node(int port, int i, String... security) throws Exception {
    String name = "client-00" + i;
    String[] args = {"node", "--coordinator", "127.0.0.1:" + port, "--data-path",
        shared.resolve("sites/" + name).toString(), "--heartbeat-interval", "1", "--reconnect-max", "2"};
    if (security[0].equals("--insecure")) {
      args = concat(args, new String[] {"--insecure", "--name", name});
    } else {
      args = concat(args, security);
    }
    Process p = Shoal.start(dir, dir.resolve(name + ".out"), dir.resolve(name + ".err"), args);
    processes.add(p);
    return p;
  }

  static void awaitRounds(Path metrics, int n, Process coordinator) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.exists(metrics) || rounds(metrics).size() < n) {
      assertThat(coordinator.isAlive()).as("coordinator ended early: %s", coordinator.info()).isTrue();
      assertThat(System.nanoTime()).as("round %d did not finish in 5 minutes", n).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  static List<Integer> rounds(Path metrics) throws Exception {
    var json = new ObjectMapper();
    List<Integer> rounds = new ArrayList<>();
    for (String line : Files.readAllLines(metrics)) {
      rounds.add(json.readTree(line).get("round").asInt());
    }
    return rounds;
  }

  /** Same tensors, values within a small tolerance (updates may be folded in another order). */
  static void assertClose(ParameterSet actual, ParameterSet expected) {
    assertThat(actual.names()).isEqualTo(expected.names());
    double max = 0;
    for (Tensor t : expected.tensors()) {
      float[] a = actual.tensor(t.name()).orElseThrow().data();
      for (int i = 0; i < a.length; i++) {
        max = Math.max(max, Math.abs(a[i] - t.data()[i]));
      }
    }
    System.out.println("max abs difference from the in-process run: " + max);
    assertThat(max).isLessThan(1e-4);
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
