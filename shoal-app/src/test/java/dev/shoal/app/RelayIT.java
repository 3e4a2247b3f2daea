package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.ledger.LedgerLog;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.Tensor;
import dev.shoal.transport.GrpcCoordinatorLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root coordinator, two relays and six node processes over mutual TLS, three nodes under each
 * relay: the tree trains the flat federation's model bit for bit, as does a tree with a relay of
 * relays, the root's ledger names every node under its relay, and a relay killed mid-round loses
 * only that round's subtree and rejoins.
 */
class RelayIT {

  static final String[] JOB = {"--model", "mlp", "--seed", "7", "--local-epochs", "1", "--contribution", "off"};
  static final List<String> NODES = List.of("client-000", "client-001", "client-002", "client-003", "client-004",
      "client-005");
  static final List<String> INFO = List.of("-Dshoal.log.level=INFO");

  @TempDir static Path shared;
  @TempDir Path dir;
  final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void provision() throws Exception {
    run(shared, "data", "partition", "--clients", "6", "--seed", "7", "--out", "sites");
    run(shared, "pki", "init", "--out", "pki/ca");
    run(shared, "pki", "issue", "--ca", "pki/ca", "--name", "root", "--role", "coordinator", "--out", "pki/root");
    for (String relay : List.of("relay-a", "relay-b", "relay-c")) {
      run(shared, "pki", "issue", "--ca", "pki/ca", "--name", relay, "--role", "relay", "--out", "pki/" + relay);
    }
    for (String node : NODES) {
      run(shared, "pki", "issue", "--ca", "pki/ca", "--name", node, "--role", "node", "--out", "pki/" + node);
    }
    run(shared, "pki", "issue", "--ca", "pki/ca", "--name", STRANGER, "--role", "node", "--out", "pki/" + STRANGER);
  }

  /** A node of the federation that none of the relays expects, for the oversized upload. */
  static final String STRANGER = "client-099";

  @AfterEach
  void stopAll() {
    processes.forEach(Process::destroyForcibly);
  }

  /** Two rounds: the second trains from the first round's models, so a difference would carry over. */
  static final String ROUNDS = "2";

  @Test
  void treesOfRelaysTrainTheFlatFederationsModelAndTheRootsLedgerNamesEveryNode() throws Exception {
    long start = System.nanoTime();
    int flatPort = FederationIT.freePort();
    Process flat = root(flatPort, "flat", ROUNDS, "--min-clients", "6");
    for (String node : NODES) {
      node(node, flatPort);
    }
    finished(flat, "flat");
    long flatDone = System.nanoTime();

    int rootPort = FederationIT.freePort();
    Process tree = root(rootPort, "tree", ROUNDS, "--min-clients", "2");
    int portA = FederationIT.freePort();
    int portB = FederationIT.freePort();
    relay("relay-a", rootPort, portA);
    relay("relay-b", rootPort, portB);
    for (int i = 0; i < NODES.size(); i++) {
      node(NODES.get(i), i < 3 ? portA : portB);
    }
    finished(tree, "tree");
    System.out.printf("flat run %.1f s, tree run %.1f s%n", (flatDone - start) / 1e9, (System.nanoTime() - flatDone) / 1e9);

    // every node in every round, under its relay, before the models are compared
    assertThat(run(dir, "ledger", "verify", "tree").exitCode()).isZero();
    assertThat(FederationIT.rounds(dir.resolve("tree/metrics.jsonl"))).containsExactly(1, 2);
    List<JsonNode> rounds = rounds(dir.resolve("tree/ledger"));
    assertThat(rounds).hasSize(2).allSatisfy(r -> {
      assertThat(names(r.get("participants"))).containsExactly("relay-a", "relay-b");
      assertThat(members(r, "relay-a")).containsExactly("client-000", "client-001", "client-002");
      assertThat(members(r, "relay-b")).containsExactly("client-003", "client-004", "client-005");
      r.get("subtrees").properties().forEach(e -> e.getValue().forEach(m -> {
        assertThat(m.get("examples").asLong()).isPositive();
        assertThat(m.get("update").asText()).startsWith("sha256:");
        assertThat(m.get("via").asText()).isEqualTo(e.getKey());
      }));
    });
    List<String> flatIds = modelIds(dir.resolve("flat/metrics.jsonl"));
    List<String> treeIds = modelIds(dir.resolve("tree/metrics.jsonl"));
    List<Double> differences = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      differences.add(maxAbsDifference(blob(dir.resolve("tree"), treeIds.get(r)), blob(dir.resolve("flat"), flatIds.get(r))));
    }
    System.out.println("max abs difference, tree vs flat, by round: " + differences);
    // the relays send their partial means with their rounding residuals, so the root folds the tree as the
    // flat set, and the nodes then train from the same models round after round
    assertThat(differences).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(1e-6));

    // a relay of relays: relay-c folds client-001 and client-002 under relay-a, beside client-000
    int deepPort = FederationIT.freePort();
    Process deep = root(deepPort, "deep", ROUNDS, "--min-clients", "2");
    int deepA = FederationIT.freePort();
    int deepB = FederationIT.freePort();
    int deepC = FederationIT.freePort();
    relay("relay-a", deepPort, deepA, 2, "deep");
    relay("relay-b", deepPort, deepB, 3, "deep");
    relay("relay-c", deepA, deepC, 2, "deep");
    node("client-000", deepA);
    node("client-001", deepC);
    node("client-002", deepC);
    for (String node : NODES.subList(3, 6)) {
      node(node, deepB);
    }
    finished(deep, "deep");
    assertThat(run(dir, "ledger", "verify", "deep").exitCode()).isZero();
    assertThat(rounds(dir.resolve("deep/ledger"))).hasSize(2).allSatisfy(r -> {
      assertThat(r.get("subtrees").get("relay-a")).extracting(m -> m.get("node").asText() + " via " + m.get("via").asText())
          .containsExactly("client-000 via relay-a", "client-001 via relay-c", "client-002 via relay-c");
      assertThat(members(r, "relay-b")).containsExactly("client-003", "client-004", "client-005");
    });
    List<String> deepIds = modelIds(dir.resolve("deep/metrics.jsonl"));
    for (int r = 0; r < 2; r++) {
      // the models' metadata names their runs; their tensors are the flat run's
      assertThat(maxAbsDifference(blob(dir.resolve("deep"), deepIds.get(r)), blob(dir.resolve("flat"), flatIds.get(r))))
          .as("round %d, relay of relays against flat", r + 1).isZero();
    }
  }

  @Test
  void aRelayKilledMidRoundLosesOnlyThatRoundsSubtreeAndRejoinsAfterARestart() throws Exception {
    int rounds = 8;
    int rootPort = FederationIT.freePort();
    int portA = FederationIT.freePort();
    int portB = FederationIT.freePort();
    // relays and nodes first: they dial until the root listens, so both subtrees are ready when rounds start
    relay("relay-a", rootPort, portA);
    Process relayB = relay("relay-b", rootPort, portB);
    for (int i = 0; i < NODES.size(); i++) {
      node(NODES.get(i), i < 3 ? portA : portB);
    }
    Process root = root(rootPort, "tree", Integer.toString(rounds), "--min-clients", "1", "--heartbeat-interval", "1",
        "--liveness-timeout", "10");
    // a round both relays are in and relay-b has not folded yet: killing relay-b loses only its subtree
    int[] round = new int[1];
    await(() -> (round[0] = roundToKillIn()) > 0, root, "both relays to start a round");
    relayB.destroyForcibly().waitFor();
    oversizedUploadIsRefused(portA);
    int killed = round[0];
    System.out.println("relay-b killed in round " + killed + " of " + rounds);
    assertThat(killed).as("relay-b's round leaves rounds after it").isLessThan(rounds - 1);
    FederationIT.awaitRounds(dir.resolve("tree/metrics.jsonl"), killed, root);
    relay("relay-b", rootPort, portB);
    finished(root, "tree");

    assertThat(run(dir, "ledger", "verify", "tree").exitCode()).isZero();
    List<JsonNode> entries = rounds(dir.resolve("tree/ledger"));
    assertThat(entries).hasSize(rounds);
    JsonNode lost = entries.get(killed - 1);
    assertThat(names(lost.get("participants"))).as("round %d, relay-b killed", killed).containsExactly("relay-a");
    assertThat(members(lost, "relay-a")).containsExactly("client-000", "client-001", "client-002");
    assertThat(lost.get("metrics").get("failures").asInt()).isEqualTo(1);
    assertThat(entries.subList(killed, rounds)).as("a later round includes relay-b's subtree again").anySatisfy(r ->
        assertThat(members(r, "relay-b")).containsExactly("client-003", "client-004", "client-005"));
  }


  /**
   * An upload larger than the relay's bound (twice the parent's global model and 1 MiB, set when
   * the relay took its parent's first round) is refused at its first chunk, before a byte is
   * stored; the relay goes on serving its round (the test's run completes).
   */
  void oversizedUploadIsRefused(int relayPort) throws Exception {
    var update = new ParameterSet(List.of(new Tensor("w", new int[] {1 << 20}, new float[1 << 20])), java.util.Map.of());
    try (GrpcCoordinatorLink link = Security.tls(Path.of(kit(STRANGER))).dial("127.0.0.1", relayPort,
        dir.resolve("stranger"))) {
      assertThatThrownBy(() -> link.submitFit(STRANGER, 1, update, 10, java.util.Map.of()))
          .hasMessageMatching("(?s).*total_size " + Safetensors.encodedSize(update)
              + " exceeds the upload limit of \\d{7} bytes.*");
    }
  }

  /** The first round both relays have started and relay-b has not folded yet, or 0. */
  int roundToKillIn() throws Exception {
    String a = Files.readString(dir.resolve("relay-a.err"));
    String b = Files.readString(dir.resolve("relay-b.err"));
    Matcher m = Pattern.compile("subtree round started relay=relay-b round=(\\d+)").matcher(b);
    while (m.find()) {
      String k = m.group(1);
      if (a.contains("subtree round started relay=relay-a round=" + k + " ")
          && !b.contains("subtree round folded relay=relay-b round=" + k + " ")) {
        return Integer.parseInt(k);
      }
    }
    return 0;
  }

  Process root(int port, String state, String rounds, String... extra) throws Exception {
    String[] args = FederationIT.concat(new String[] {"coordinator", "--state-dir", state, "--listen",
        "127.0.0.1:" + port, "--http", "off", "--rounds", rounds, "--kit", kit("root")}, JOB);
    return start(state, FederationIT.concat(args, extra));
  }

  Process relay(String name, int parent, int port) throws Exception {
    return relay(name, name, parent, port, 3);
  }

  /** A relay of the tree {@code tree}, with output and state of its own in that tree. */
  Process relay(String name, int parent, int port, int minNodes, String tree) throws Exception {
    return relay(tree + "-" + name, name, parent, port, minNodes);
  }

  private Process relay(String process, String name, int parent, int port, int minNodes) throws Exception {
    return start(process, "relay", "--parent", "127.0.0.1:" + parent, "--listen", "127.0.0.1:" + port, "--kit", kit(name),
        "--state-dir", process + ".state", "--min-nodes", String.valueOf(minNodes), "--heartbeat-interval", "1",
        "--reconnect-max", "2");
  }

  Process node(String name, int port) throws Exception {
    // one engine thread each, in the flat run and the tree alike: six nodes share this machine's cores
    return start(name, "node", "--coordinator", "127.0.0.1:" + port, "--kit", kit(name), "--data-path",
        shared.resolve("sites/" + name).toString(), "--heartbeat-interval", "1", "--reconnect-max", "2",
        "--threads", "1");
  }

  /** A process whose output goes to {@code name.out} and {@code name.err}, appended to across restarts. */
  Process start(String name, String... args) throws Exception {
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    if (Files.exists(err)) {
      Files.move(err, dir.resolve(name + "." + System.nanoTime() + ".err"));
    }
    Process p = Shoal.start(dir, out, err, INFO, args);
    processes.add(p);
    return p;
  }

  void finished(Process root, String state) throws Exception {
    assertThat(root.waitFor(15, TimeUnit.MINUTES)).as("root of %s finishes", state).isTrue();
    assertThat(root.exitValue()).as(Files.readString(dir.resolve(state + ".err"))).isZero();
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  static void await(Condition c, Process root, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!c.holds()) {
      assertThat(root.isAlive()).as("root ended while waiting for %s", what).isTrue();
      assertThat(System.nanoTime()).as("waited 5 minutes for %s", what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  static double maxAbsDifference(ParameterSet a, ParameterSet b) {
    assertThat(a.names()).isEqualTo(b.names());
    double max = 0;
    for (Tensor t : b.tensors()) {
      float[] x = a.tensor(t.name()).orElseThrow().data();
      for (int i = 0; i < x.length; i++) {
        max = Math.max(max, Math.abs(x[i] - t.data()[i]));
      }
    }
    return max;
  }

  /** Each round's model id, from metrics.jsonl. */
  static List<String> modelIds(Path metrics) throws Exception {
    var json = new ObjectMapper();
    List<String> ids = new ArrayList<>();
    for (String line : Files.readAllLines(metrics)) {
      ids.add(json.readTree(line).get("model_id").asText());
    }
    return ids;
  }

  /** A model in a coordinator's blob store, by its content id. */
  static ParameterSet blob(Path stateDir, String id) throws Exception {
    String hex = id.substring("sha256:".length());
    return Safetensors.read(stateDir.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex.substring(2)));
  }

  /** The round_completed entries of a ledger, in order. */
  static List<JsonNode> rounds(Path ledger) throws Exception {
    var json = new ObjectMapper();
    List<JsonNode> rounds = new ArrayList<>();
    for (byte[] entry : LedgerLog.read(ledger).entries()) {
      JsonNode e = json.readTree(entry);
      if (e.get("type").asText().equals("round_completed")) {
        rounds.add(e);
      }
    }
    return rounds;
  }

  static List<String> members(JsonNode round, String relay) {
    JsonNode subtrees = round.get("subtrees");
    List<String> nodes = new ArrayList<>();
    if (subtrees != null && subtrees.has(relay)) {
      subtrees.get(relay).forEach(m -> nodes.add(m.get("node").asText()));
    }
    return nodes;
  }

  static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.asText()));
    return names;
  }

  static String kit(String name) {
    return shared.resolve("pki/" + name).toString();
  }

  static Shoal.Result run(Path workDir, String... args) throws Exception {
    Shoal.Result r = Shoal.run(workDir, args);
    assertThat(r.exitCode()).as("shoal %s: %s", String.join(" ", args), r.err()).isZero();
    return r;
  }
}
