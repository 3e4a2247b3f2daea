package dev.shoal.app;

import static dev.shoal.app.Shoal.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.ledger.LedgerEntry;
import dev.shoal.ledger.LedgerLog;
import dev.shoal.ledger.SwarmRound;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Six peer processes, each in a network namespace of its own on one bridge, no coordinator,
 * mutual TLS with peer certificates: a peer is killed mid-run and started again, then the swarm is
 * partitioned 2|4 for 20 seconds. The majority goes on, the minority decides nothing alone and
 * catches up, and both rejoin; at the end every peer holds the same model and the same ledger, every
 * checkpoint cosigned by a quorum, and the model is as accurate as a coordinator's FedAvg on the same
 * data and seed.
 */
class PeerIT {

  static final int PEERS = 6;
  static final int ROUNDS = 45;
  static final String SUBNET = "10.77.0.";
  static final String BRIDGE = "shoalbr0";
  static final String[] JOB = {"--model", "mlp", "--seed", "7", "--rounds", Integer.toString(ROUNDS)};
  static final Pattern DECIDED = Pattern.compile("round (\\d+) decided, ");
  static final Pattern FINAL = Pattern.compile("round " + ROUNDS
      + " decided, \\d+ updates .*; accuracy ([0-9.]+) on (\\d+) local test examples");

  @TempDir static Path shared;
  @TempDir Path dir;
  final Map<String, Process> peers = new LinkedHashMap<>();

  @BeforeAll
  static void provision() throws Exception {
    network(false);
    network(true);
    run(shared, "data", "partition", "--clients", Integer.toString(PEERS), "--seed", "7", "--out", "sites");
    run(shared, "pki", "init", "--out", "pki/ca");
    for (int i = 0; i < PEERS; i++) {
      run(shared, "pki", "issue", "--ca", "pki/ca", "--name", name(i), "--role", "peer", "--ip", address(i),
          "--out", "pki/" + name(i));
    }
  }

  @AfterAll
  static void removeNetwork() throws Exception {
    network(false);
  }

  @AfterEach
  void stopAll() {
    peers.values().forEach(Process::destroyForcibly);
  }

  @Test
  void sixPeersAgreeOnOneModelAndOneLedgerThroughACrashAndAPartition() throws Exception {
    // the same data and seed under a coordinator's FedAvg, in process, for the accuracy to compare with
    var reference = run(dir, FederationIT.concat(new String[] {"simulate", "--clients", Integer.toString(PEERS),
        "--contribution", "off", "--out", "reference"}, JOB));
    assertThat(reference.exitCode()).as(reference.err()).isZero();
    Matcher ref = Pattern.compile("test_accuracy ([0-9.]+), test_loss").matcher(reference.out());
    assertThat(ref.find()).as(reference.out()).isTrue();
    double coordinatorAccuracy = Double.parseDouble(ref.group(1));

    for (int i = 0; i < PEERS; i++) {
      start(i);
    }
    // a peer killed, and started again on its state directory
    String victim = name(PEERS - 1);
    await(() -> decided(victim) >= 3, "round 3 at " + victim);
    peers.get(victim).destroyForcibly().waitFor();
    // it may have offered its update for the round after the last it decided, not for any later one
    int killedAt = decided(victim);
    System.out.println(victim + " killed after round " + killedAt);
    await(() -> decided(name(0)) >= killedAt + 2, "two rounds without " + victim);
    start(PEERS - 1);
    await(() -> decided(victim) >= decided(name(0)) && decided(victim) > killedAt + 2, victim + " to catch up");
    int back = decided(victim);
    System.out.println(victim + " caught up at round " + back);

    // a 2|4 partition for 20 s: the majority goes on, the minority decides nothing alone, then catches up
    int cutAt = decided(name(2));
    partition(true);
    Thread.sleep(20_000);
    int majority = decided(name(2));
    int minority = Math.max(decided(name(0)), decided(name(1)));
    partition(false);
    System.out.printf("partitioned 2|4 after round %d for 20 s: the majority reached round %d, the minority %d%n",
        cutAt, majority, minority);
    assertThat(majority).as("the majority goes on").isGreaterThan(cutAt + 2).isLessThan(ROUNDS);
    assertThat(minority).as("the minority decides nothing alone").isLessThanOrEqualTo(cutAt + 1);
    await(() -> decided(name(0)) >= majority && decided(name(1)) >= majority, "the minority to catch up");

    for (var p : peers.entrySet()) {
      assertThat(p.getValue().waitFor(10, TimeUnit.MINUTES)).as("%s finishes", p.getKey()).isTrue();
      assertThat(p.getValue().exitValue()).as(Files.readString(dir.resolve(p.getKey() + ".err"))).isZero();
    }

    // one ledger: the same entries everywhere, each checkpoint cosigned by a quorum of the members then,
    // checked by `shoal ledger verify` from the first entry with no outside key
    List<byte[]> entries = LedgerLog.read(dir.resolve(name(0) + ".state/ledger")).entries();
    assertThat(entries).hasSize(ROUNDS + 1);
    String head = null;
    for (int i = 0; i < PEERS; i++) {
      Path ledger = dir.resolve(name(i) + ".state/ledger");
      assertThat(LedgerLog.read(ledger).entries()).as(name(i)).containsExactlyElementsOf(entries);
      var verified = run(dir, "ledger", "verify", name(i) + ".state");
      assertThat(verified.exitCode()).as(verified.err()).isZero();
      String line = verified.out().strip();
      assertThat(line).startsWith("swarm ledger verified: " + (ROUNDS + 1) + " entries");
      head = head == null ? line : head;
      assertThat(line).as("every peer's head").isEqualTo(head);
    }
    List<SwarmRound> rounds = entries.stream().map(e -> (SwarmRound) LedgerEntry.parse(e)).toList();
    // the minority may have offered for the two rounds after the cut's, not for any later one
    assertThat(rounds.subList(Math.min(cutAt + 3, majority + 1), majority + 1)).as("rounds during the partition")
        .allSatisfy(r -> assertThat(r.participants()).doesNotContain(name(0), name(1)));
    assertThat(rounds.subList(majority + 1, ROUNDS + 1)).as("after the partition").anySatisfy(r ->
        assertThat(r.participants()).contains(name(0), name(1)));
    assertThat(rounds.get(killedAt + 2).participants()).as("round %d, %s dead", killedAt + 2, victim)
        .doesNotContain(victim);
    assertThat(rounds.subList(back, ROUNDS + 1)).as("after %s's restart", victim).anySatisfy(r ->
        assertThat(r.participants()).contains(victim));

    // one model, as accurate as the coordinator's: the peers' test sets are the coordinator's, split
    String modelId = rounds.get(ROUNDS).modelId();
    double correct = 0;
    long examples = 0;
    for (int i = 0; i < PEERS; i++) {
      String out = output(name(i));
      assertThat(out).contains("the swarm's run is over; model " + modelId);
      Matcher m = FINAL.matcher(out);
      assertThat(m.find()).as(out).isTrue();
      correct += Double.parseDouble(m.group(1)) * Long.parseLong(m.group(2));
      examples += Long.parseLong(m.group(2));
    }
    double swarmAccuracy = correct / examples;
    System.out.printf("accuracy after %d rounds: swarm %.4f, coordinator FedAvg %.4f%n", ROUNDS, swarmAccuracy,
        coordinatorAccuracy);
    assertThat(Math.abs(swarmAccuracy - coordinatorAccuracy)).isLessThanOrEqualTo(0.01);
  }

  @Test
  void inGossipModeEachPeerAveragesWithItsNeighboursAndLearns() throws Exception {
    int n = 3;
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ports.add(FederationIT.freePort());
    }
    String bootstrap = String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    for (int i = 0; i < n; i++) {
      String name = name(i);
      peers.put(name, Shoal.start(dir, dir.resolve(name + ".out"), dir.resolve(name + ".err"), List.of(), "peer",
          "--insecure", "--name", name, "--listen", "127.0.0.1:" + ports.get(i), "--bootstrap", bootstrap, "--peers",
          Integer.toString(n), "--data-path", shared.resolve("sites/" + name).toString(), "--state-dir", name + ".state",
          "--threads", "1", "--mode", "gossip", "--neighbours", "1", "--model", "mlp", "--seed", "7", "--rounds", "4"));
    }
    Pattern round = Pattern.compile("gossip round (\\d+), averaged with \\[([^]]*)\\], .*accuracy ([0-9.]+) on");
    for (int i = 0; i < n; i++) {
      Process p = peers.get(name(i));
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(dir.resolve(name(i) + ".err"))).isZero();
      Matcher m = round.matcher(output(name(i)));
      List<Double> accuracy = new ArrayList<>();
      while (m.find()) {
        assertThat(m.group(2).split(", ")).as("one neighbour, never itself").hasSize(1).doesNotContain(name(i));
        accuracy.add(Double.parseDouble(m.group(3)));
      }
      assertThat(accuracy).as(output(name(i))).hasSize(4);
      assertThat(accuracy.get(3)).isGreaterThan(0.85).isGreaterThan(accuracy.get(0));
      assertThat(dir.resolve(name(i) + ".state/model.safetensors")).exists();
    }
  }

  void start(int i) throws Exception {
    String name = name(i);
    List<String> bootstrap = new ArrayList<>();
    for (int j = 0; j < PEERS; j++) {
      bootstrap.add(address(j) + ":7480");
    }
    Path err = dir.resolve(name + ".err");
    if (Files.exists(err)) {
      Files.move(err, dir.resolve(name + "." + System.nanoTime() + ".err"));
    }
    String[] args = FederationIT.concat(new String[] {"peer", "--kit", shared.resolve("pki/" + name).toString(),
        "--listen", address(i) + ":7480", "--bootstrap", String.join(",", bootstrap), "--peers",
        Integer.toString(PEERS), "--data-path", shared.resolve("sites/" + name).toString(), "--state-dir",
        name + ".state", "--collect-timeout", "8", "--threads", "1"}, JOB);
    Path out = dir.resolve(name + ".out");
    // appended across a restart, so the rounds decided before the kill stay in the output
    var p = Shoal.start(List.of("ip", "netns", "exec", namespace(i)), dir, Files.exists(out)
        ? dir.resolve(name + ".again.out") : out, err, List.of("-Dshoal.log.level=INFO"), args);
    peers.put(name, p);
  }

  /** The last round {@code name} printed as decided, 0 if none. */
  int decided(String name) throws IOException {
    int last = 0;
    Matcher m = DECIDED.matcher(output(name));
    while (m.find()) {
      last = Math.max(last, Integer.parseInt(m.group(1)));
    }
    return last;
  }

  /** What peer {@code name} printed, before and after a restart. */
  String output(String name) throws IOException {
    StringBuilder all = new StringBuilder();
    for (Path out : List.of(dir.resolve(name + ".out"), dir.resolve(name + ".again.out"))) {
      if (Files.exists(out)) {
        all.append(Files.readString(out));
      }
    }
    return all.toString();
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  void await(Condition c, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!c.holds()) {
      assertThat(System.nanoTime()).as("waited 5 minutes for %s", what).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  static String name(int i) {
    return "client-00" + i;
  }

  static String address(int i) {
    return SUBNET + (i + 1);
  }

  static String namespace(int i) {
    return "shoal-peer" + i;
  }

  /** Cuts peers 0 and 1 off from the other four, both ways, or heals the cut. */
  static void partition(boolean cut) throws Exception {
    for (int i = 0; i < PEERS; i++) {
      for (int j = 0; j < PEERS; j++) {
        if ((i < 2) != (j < 2)) {
          ip(true, "netns", "exec", namespace(i), "ip", "route", cut ? "add" : "del", "blackhole", address(j) + "/32");
        }
      }
    }
  }

  /** Makes (or removes) a bridge with one namespace per peer on it, each with its own address. */
  static void network(boolean up) throws Exception {
    if (!up) {
      for (int i = 0; i < PEERS; i++) {
        ip(false, "netns", "del", namespace(i));
      }
      ip(false, "link", "del", BRIDGE);
      return;
    }
    ip(true, "link", "add", BRIDGE, "type", "bridge");
    ip(true, "link", "set", BRIDGE, "up");
    for (int i = 0; i < PEERS; i++) {
      String ns = namespace(i);
      String veth = "shoalv" + i;
      ip(true, "netns", "add", ns);
      ip(true, "link", "add", veth, "type", "veth", "peer", "name", veth + "p");
      ip(true, "link", "set", veth + "p", "netns", ns);
      ip(true, "link", "set", veth, "master", BRIDGE);
      ip(true, "link", "set", veth, "up");
      ip(true, "netns", "exec", ns, "ip", "addr", "add", address(i) + "/24", "dev", veth + "p");
      ip(true, "netns", "exec", ns, "ip", "link", "set", veth + "p", "up");
      ip(true, "netns", "exec", ns, "ip", "link", "set", "lo", "up");
    }
  }

  private static void ip(boolean mustSucceed, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    if (mustSucceed) {
      assertThat(p.exitValue()).as("%s: %s (network namespaces need root and iproute2)", command, output).isZero();
    }
  }
}
