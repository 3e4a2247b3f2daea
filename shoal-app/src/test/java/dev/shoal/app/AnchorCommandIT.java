package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.anchor.AnchoredCheckpoint;
import dev.shoal.anchor.Ganache;
import dev.shoal.anchor.LedgerAnchor;
import dev.shoal.ledger.Checkpoint;
import dev.shoal.ledger.LedgerEntry;
import dev.shoal.ledger.RoundCompleted;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A simulation that anchors its ledger on a real ganache chain as it runs, then {@code shoal ledger anchor}. */
class AnchorCommandIT {

  private static final String RUN = "simulation";

  @TempDir static Path dir;
  static Ganache ganache;
  static Path run;
  static Path keyFile;
  static Shoal.Result simulation;

  @BeforeAll
  static void anchoredSimulation() throws Exception {
    ganache = Ganache.start();
    keyFile = dir.resolve("anchor.key");
    Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(keyFile, "0x" + Ganache.KEY_0 + "\n", StandardCharsets.US_ASCII);
    run = dir.resolve("run");
    simulation = Shoal.run(dir, "simulate", "--model", "logreg", "--clients", "3", "--rounds", "3",
        "--contribution", "loo", "--out", run.toString(),
        "--anchor-rpc", ganache.url(), "--anchor-key-file", keyFile.toString(),
        "--anchor-chain-id", Long.toString(Ganache.CHAIN_ID), "--anchor-every", "1");
  }

  @AfterAll
  static void stopChain() {
    if (ganache != null) {
      ganache.close();
    }
  }

  static String contract() throws Exception {
    JsonNode memory = new ObjectMapper().readTree(run.resolve("ledger/anchor.json").toFile());
    assertThat(memory.get("chainId").asLong()).isEqualTo(Ganache.CHAIN_ID);
    return memory.get("contract").asText();
  }

  static LedgerAnchor chain() throws Exception {
    return LedgerAnchor.readOnly(contract(), ganache.web3j(), Ganache.CHAIN_ID);
  }

  /** Each participant's rewards summed over the ledger's rounds, in micro-units. */
  static Map<String, BigInteger> ledgerRewards(LedgerCheck ledger) {
    Map<String, BigInteger> sums = new TreeMap<>();
    for (byte[] entry : ledger.entries()) {
      if (LedgerEntry.parse(entry) instanceof RoundCompleted r) {
        r.rewards().forEach((node, reward) -> sums.merge(node,
            new BigDecimal(Double.toString(reward)).movePointRight(6).toBigIntegerExact(), BigInteger::add));
      }
    }
    return sums;
  }

  @Test
  void everyRoundsCheckpointIsOnChainAndBalancesAreTheLedgersRewards() throws Exception {
    assertThat(simulation.exitCode()).as(simulation.err()).isZero();
    assertThat(simulation.err()).doesNotContain("anchoring failed");
    assertThat(simulation.out()).contains("ledger anchored to contract " + contract() + " on chain id 31337;"
        + " check or retry with: shoal ledger anchor " + run);
    LedgerCheck ledger = LedgerCheck.of(run);
    LedgerAnchor anchor = chain();

    // run_started makes size 1; rounds 1, 2 and 3 make sizes 2, 3 and 4, each anchored after its round
    assertThat(anchor.checkpoints(RUN)).extracting(AnchoredCheckpoint::treeSize).containsExactly(2L, 3L, 4L);
    for (AnchoredCheckpoint c : anchor.checkpoints(RUN)) {
      Checkpoint own = ledger.checkpoints().stream().filter(l -> l.size() == c.treeSize()).findFirst().orElseThrow();
      assertThat(c.root()).as("root at size %d", c.treeSize()).isEqualTo(own.root());
    }
    assertThat(anchor.latest(RUN).orElseThrow().root()).isEqualTo(ledger.latest().root());
    for (int round = 1; round <= 3; round++) {
      assertThat(anchor.rewardsAdded(RUN, round)).as("round %d rewarded", round).isTrue();
    }

    Map<String, BigInteger> rewards = ledgerRewards(ledger);
    assertThat(rewards).containsOnlyKeys("client-000", "client-001", "client-002");
    assertThat(rewards.values().stream().reduce(BigInteger.ZERO, BigInteger::add))
        .as("three rounds of the default budget of 100").isEqualTo(BigInteger.valueOf(300_000_000L));
    rewards.forEach((node, sum) -> assertThat(anchor.balanceOf(node)).as(node).isEqualTo(sum));
  }

  @Test
  void theCoordinatorOfAGrpcSimulationAnchorsEveryNthRoundAndTheLast() throws Exception {
    Path grpc = dir.resolve("grpc");
    Shoal.Result result = Shoal.run(dir, "simulate", "--transport", "grpc", "--model", "logreg", "--clients", "3",
        "--rounds", "3", "--contribution", "loo", "--out", grpc.toString(),
        "--anchor-rpc", ganache.url(), "--anchor-key-file", keyFile.toString(),
        "--anchor-chain-id", Long.toString(Ganache.CHAIN_ID), "--anchor-every", "2");
    assertThat(result.exitCode()).as(result.err()).isZero();

    JsonNode memory = new ObjectMapper().readTree(grpc.resolve("ledger/anchor.json").toFile());
    LedgerAnchor anchor = LedgerAnchor.readOnly(memory.get("contract").asText(), ganache.web3j(), Ganache.CHAIN_ID);
    LedgerCheck ledger = LedgerCheck.of(grpc);
    // after round 2 (size 3) and after the last round, 3 (size 4)
    assertThat(anchor.checkpoints(RUN)).extracting(AnchoredCheckpoint::treeSize).containsExactly(3L, 4L);
    assertThat(anchor.latest(RUN).orElseThrow().root()).isEqualTo(ledger.latest().root());
    ledgerRewards(ledger).forEach((node, sum) -> assertThat(anchor.balanceOf(node)).as(node).isEqualTo(sum));
  }

  @Test
  void anchoringAgainSendsNothingAndStillVerifies() throws Exception {
    BigInteger blockBefore = ganache.web3j().ethBlockNumber().send().getBlockNumber();

    Shoal.Result again = Shoal.run(dir, "ledger", "anchor", run.toString(), "--rpc", ganache.url(),
        "--key-file", keyFile.toString(), "--chain-id", Long.toString(Ganache.CHAIN_ID));

    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out())
        .contains("contract " + contract() + " on chain id " + Ganache.CHAIN_ID + ", run simulation")
        .contains("checkpoint: size 4, root " + java.util.HexFormat.of().formatHex(LedgerCheck.of(run).latest().root())
            + " (already anchored)")
        .contains("no new round to reward")
        .contains("client-000").contains("client-001").contains("client-002")
        .contains("the chain agrees with the ledger");
    assertThat(ganache.web3j().ethBlockNumber().send().getBlockNumber()).as("no transaction sent").isEqualTo(blockBefore);
  }

  @Test
  void aWrongChainIdIsRefusedNamingTheChainTheNodeServes() throws Exception {
    Shoal.Result remembered = Shoal.run(dir, "ledger", "anchor", run.toString(), "--rpc", ganache.url(),
        "--key-file", keyFile.toString(), "--chain-id", "1");
    assertThat(remembered.exitCode()).isEqualTo(1);
    assertThat(remembered.err().strip()).hasLineCount(1)
        .contains("remembers contract " + contract() + " on chain id 31337, but chain id 1 was given");

    Shoal.Result given = Shoal.run(dir, "ledger", "anchor", run.toString(), "--rpc", ganache.url(),
        "--key-file", keyFile.toString(), "--chain-id", "1", "--contract", contract());
    assertThat(given.exitCode()).isEqualTo(1);
    assertThat(given.err().strip()).hasLineCount(1)
        .startsWith("error: the Ethereum node serves chain id 31337 but chain id 1 was configured");
  }

  @Test
  void anotherLedgerUnderTheSameRunNameOrForeignBalancesAreNamedAsMismatches() throws Exception {
    Path other = dir.resolve("other");
    Shoal.Result second = Shoal.run(dir, "simulate", "--model", "logreg", "--clients", "3", "--rounds", "2",
        "--contribution", "loo", "--seed", "7", "--out", other.toString());
    assertThat(second.exitCode()).as(second.err()).isZero();
    String key = keyFile.toString();
    String chainId = Long.toString(Ganache.CHAIN_ID);

    // the first run's contract holds other roots for run 'simulation': nothing is sent, the difference is named
    BigInteger blockBefore = ganache.web3j().ethBlockNumber().send().getBlockNumber();
    Shoal.Result clash = Shoal.run(dir, "ledger", "anchor", other.toString(), "--rpc", ganache.url(),
        "--key-file", key, "--chain-id", chainId, "--contract", contract());
    assertThat(clash.exitCode()).as(clash.err()).isEqualTo(1);
    assertThat(clash.out()).contains("mismatch: the chain's checkpoint of run 'simulation' at size 2 has root "
        + chain().checkpoints(RUN).getFirst().rootHex() + "; the ledger's has root");
    assertThat(ganache.web3j().ethBlockNumber().send().getBlockNumber()).as("no transaction sent").isEqualTo(blockBefore);

    // a contract where client-000 already earned 1 unit in another run: anchored, but its balance is named
    LedgerAnchor shared = LedgerAnchor.deploy(ganache.web3j(), Ganache.owner(), Ganache.CHAIN_ID);
    shared.addRewards("another-run", 1, Map.of("client-000", BigDecimal.ONE));
    Shoal.Result foreign = Shoal.run(dir, "ledger", "anchor", other.toString(), "--rpc", ganache.url(),
        "--key-file", key, "--chain-id", chainId, "--contract", shared.address());
    assertThat(foreign.exitCode()).as(foreign.err()).isEqualTo(1);
    BigInteger ledgerSum = ledgerRewards(LedgerCheck.of(other)).get("client-000");
    assertThat(foreign.out()).contains("(anchored now)")
        .contains("mismatch: participant 'client-000' has a balance of " + ledgerSum.add(BigInteger.valueOf(1_000_000))
            + " micro-units on chain; its rewards in the ledger sum to " + ledgerSum)
        .doesNotContain("mismatch: participant 'client-001'");
    assertThat(shared.latest(RUN).orElseThrow().root()).isEqualTo(LedgerCheck.of(other).latest().root());
  }

  @Test
  void aMissingKeyFileOrAnUnreachableNodeIsOneLine() throws Exception {
    Path missing = dir.resolve("no-such.key");
    Shoal.Result noKey = Shoal.run(dir, "ledger", "anchor", run.toString(), "--rpc", ganache.url(),
        "--key-file", missing.toString(), "--chain-id", Long.toString(Ganache.CHAIN_ID));
    assertThat(noKey.exitCode()).isEqualTo(1);
    assertThat(noKey.err().strip()).isEqualTo("error: key file " + missing + " does not exist");

    Shoal.Result noNode = Shoal.run(dir, "ledger", "anchor", run.toString(), "--rpc", "http://127.0.0.1:1",
        "--key-file", keyFile.toString(), "--chain-id", Long.toString(Ganache.CHAIN_ID));
    assertThat(noNode.exitCode()).isEqualTo(1);
    assertThat(noNode.err().strip()).hasLineCount(1).startsWith("error: cannot reach the Ethereum JSON-RPC node");
  }
}
