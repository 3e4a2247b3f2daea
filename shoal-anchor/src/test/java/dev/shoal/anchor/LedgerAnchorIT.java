package dev.shoal.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/** Deploys and uses the ShoalAnchor contract on a real ganache chain. */
class LedgerAnchorIT {

  private static Ganache ganache;

  @BeforeAll
  static void startChain() throws Exception {
    ganache = Ganache.start();
  }

  @AfterAll
  static void stopChain() {
    if (ganache != null) {
      ganache.close();
    }
  }

  private static LedgerAnchor deploy() {
    return LedgerAnchor.deploy(ganache.web3j(), Ganache.owner(), Ganache.CHAIN_ID);
  }

  private static byte[] root(String text) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void anchorsCheckpointsOfTwoRunsAndReadsThemBackInOrder() throws Exception {
    LedgerAnchor anchor = deploy();

    anchor.anchor("mnist-a", 3, root("a3"));
    anchor.anchor("mnist-b", 2, root("b2"));
    anchor.anchor("mnist-a", 7, root("a7"));
    String tx = anchor.anchor("mnist-a", 12, root("a12"));
    anchor.anchor("mnist-b", 5, root("b5"));

    assertThat(tx).matches("0x[0-9a-f]{64}");
    List<AnchoredCheckpoint> a = anchor.checkpoints("mnist-a");
    assertThat(a).extracting(AnchoredCheckpoint::run, AnchoredCheckpoint::index, AnchoredCheckpoint::treeSize)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("mnist-a", 0, 3L),
            org.assertj.core.groups.Tuple.tuple("mnist-a", 1, 7L),
            org.assertj.core.groups.Tuple.tuple("mnist-a", 2, 12L));
    assertThat(a).extracting(AnchoredCheckpoint::root).containsExactly(root("a3"), root("a7"), root("a12"));
    assertThat(a).extracting(AnchoredCheckpoint::anchoredAt).isSorted();

    List<AnchoredCheckpoint> b = anchor.checkpoints("mnist-b");
    assertThat(b).extracting(AnchoredCheckpoint::treeSize).containsExactly(2L, 5L);
    assertThat(b).extracting(AnchoredCheckpoint::root).containsExactly(root("b2"), root("b5"));

    assertThat(anchor.latest("mnist-a")).contains(a.get(2));
    assertThat(anchor.latest("mnist-b")).contains(b.get(1));
    assertThat(anchor.checkpoints("never-anchored")).isEmpty();
    assertThat(anchor.latest("never-anchored")).isEmpty();
  }

  @Test
  void writesFromSeveralThreadsAllLand() throws Exception {
    LedgerAnchor anchor = deploy();
    List<String> runs = List.of("t0", "t1", "t2", "t3");
    try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<?>> writes = new java.util.ArrayList<>();
      for (String run : runs) {
        writes.add(executor.submit(() -> {
          anchor.anchor(run, 1, root(run + "1"));
          return anchor.anchor(run, 2, root(run + "2"));
        }));
      }
      for (var write : writes) {
        write.get();
      }
    }
    for (String run : runs) {
      assertThat(anchor.checkpoints(run)).extracting(AnchoredCheckpoint::treeSize).containsExactly(1L, 2L);
    }
  }

  @Test
  void aThirdPartyReadsAnchoredRootsWithPlainJsonRpcCalls() throws Exception {
    LedgerAnchor anchor = deploy();
    anchor.anchor("mnist-a", 5, root("a5"));
    anchor.anchor("mnist-a", 9, root("a9"));
    String runId = HexFormat.of().formatHex(RunId.of("mnist-a"));
    assertThat(runId).isEqualTo("ebfa1357ca6eb93c40221eb202a3567f7ef32427c8f4b6c1c357c5ec8bd55fe0");

    byte[] count = rawCall(anchor.address(), "0xbcb3e709" + runId);
    byte[] second = rawCall(anchor.address(), "0x7373710c" + runId + "%064x".formatted(1));

    assertThat(new BigInteger(1, count)).isEqualTo(2);
    assertThat(second).hasSize(96);
    assertThat(new BigInteger(1, Arrays.copyOfRange(second, 0, 32))).isEqualTo(9);
    assertThat(Arrays.copyOfRange(second, 32, 64)).isEqualTo(root("a9"));
    assertThat(new BigInteger(1, Arrays.copyOfRange(second, 64, 96)).longValueExact())
        .isEqualTo(anchor.checkpoints("mnist-a").get(1).anchoredAt().getEpochSecond());

    anchor.addRewards("mnist-a", 1, Map.of("hospital-a", new BigDecimal("1.5")));
    String name = HexFormat.of().formatHex("hospital-a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String padded = name + "0".repeat(64 - name.length());
    byte[] balance = rawCall(anchor.address(), "0x35ee5f87" + "%064x".formatted(32) + "%064x".formatted(10) + padded);
    assertThat(new BigInteger(1, balance)).isEqualTo(1_500_000);
  }

  private static byte[] rawCall(String contract, String data) throws Exception {
    String result = ganache.web3j().ethCall(
            org.web3j.protocol.core.methods.request.Transaction.createEthCallTransaction(null, contract, data),
            org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
        .send().getValue();
    return HexFormat.of().parseHex(result.substring(2));
  }

  @Test
  void rejectsATreeSizeThatDoesNotGrowWithTheContractsReason() throws Exception {
    LedgerAnchor anchor = deploy();
    anchor.anchor("run", 10, root("r10"));

    assertThatThrownBy(() -> anchor.anchor("run", 4, root("r4")))
        .isInstanceOf(AnchorRejectedException.class)
        .hasMessageContaining("run 'run' at tree size 4 (its latest anchored size is 10)")
        .extracting(e -> ((AnchorRejectedException) e).reason())
        .isEqualTo("ShoalAnchor: tree size must be larger than the latest anchored size");
    assertThatThrownBy(() -> anchor.anchor("run", 10, root("r10 again")))
        .isInstanceOf(AnchorRejectedException.class)
        .hasMessageContaining("tree size must be larger than the latest anchored size");

    assertThat(anchor.checkpoints("run")).extracting(AnchoredCheckpoint::treeSize).containsExactly(10L);
  }

  @Test
  void addsRewardsOverTwoRoundsIntoCumulativeBalances() {
    LedgerAnchor anchor = deploy();

    anchor.addRewards("run", 1, Map.of("alice", new BigDecimal("1.5"), "bob", new BigDecimal("0.25")));
    anchor.addRewards("run", 2, Map.of("alice", new BigDecimal("2"), "carol", new BigDecimal("0.000001")));

    assertThat(anchor.balanceOf("alice")).isEqualTo(BigInteger.valueOf(3_500_000));
    assertThat(anchor.balanceOf("bob")).isEqualTo(BigInteger.valueOf(250_000));
    assertThat(anchor.balanceOf("carol")).isEqualTo(BigInteger.ONE);
    assertThat(anchor.balanceOf("dave")).isZero();
    assertThat(RewardScale.toUnits(anchor.balanceOf("alice"))).isEqualByComparingTo("3.5");
    assertThat(anchor.rewardsAdded("run", 1)).isTrue();
    assertThat(anchor.rewardsAdded("run", 3)).isFalse();
  }

  @Test
  void refusesToRewardTheSameRoundTwice() {
    LedgerAnchor anchor = deploy();
    anchor.addRewards("run", 1, Map.of("alice", BigDecimal.ONE));

    assertThatThrownBy(() -> anchor.addRewards("run", 1, Map.of("alice", BigDecimal.ONE)))
        .isInstanceOf(AnchorRejectedException.class)
        .hasMessageContaining("ShoalAnchor: rewards for this round were already added");
    assertThat(anchor.balanceOf("alice")).isEqualTo(BigInteger.valueOf(1_000_000));
  }

  @Test
  void anAccountOtherThanTheOwnerCannotWrite() {
    LedgerAnchor owned = deploy();
    LedgerAnchor asStranger = LedgerAnchor.at(owned.address(), ganache.web3j(), Ganache.stranger(), Ganache.CHAIN_ID);

    assertThat(owned.owner()).isEqualToIgnoringCase(Ganache.owner().getAddress());
    assertThatThrownBy(() -> asStranger.anchor("run", 1, new byte[32]))
        .isInstanceOf(AnchorRejectedException.class)
        .extracting(e -> ((AnchorRejectedException) e).reason())
        .isEqualTo("ShoalAnchor: only the owner may write");
    assertThatThrownBy(() -> asStranger.addRewards("run", 1, Map.of("mallory", BigDecimal.TEN)))
        .isInstanceOf(AnchorRejectedException.class)
        .hasMessageContaining("only the owner may write");
    assertThat(owned.checkpoints("run")).isEmpty();
    assertThat(owned.balanceOf("mallory")).isZero();
  }

  @Test
  void reopensTheContractWithAKeyFileAndReadsWithoutOne(@TempDir Path dir) throws Exception {
    LedgerAnchor deployed = deploy();
    deployed.anchor("run", 4, root("r4"));
    Path keyFile = dir.resolve("owner.key");
    Files.writeString(keyFile, "0x" + Ganache.KEY_0 + "\n");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));

    LedgerAnchor reopened = LedgerAnchor.at(deployed.address(), ganache.web3j(), KeyFile.load(keyFile), Ganache.CHAIN_ID);
    reopened.anchor("run", 9, root("r9"));
    LedgerAnchor reader = LedgerAnchor.readOnly(deployed.address(), ganache.web3j(), Ganache.CHAIN_ID);

    assertThat(reader.checkpoints("run")).extracting(AnchoredCheckpoint::treeSize).containsExactly(4L, 9L);
    assertThatThrownBy(() -> reader.anchor("run", 10, root("r10")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("read-only");
  }

  @Test
  void theContractRefusesMismatchedOrEmptyRewardListsThatJavaCannotSend() {
    LedgerAnchor anchor = deploy();
    ChainClient chain = ChainClient.connect(ganache.web3j(), Ganache.owner(), Ganache.CHAIN_ID);
    byte[] runId = RunId.of("run");

    assertThatThrownBy(() -> chain.transact(anchor.address(), ShoalAnchorAbi.addRewards(runId, 1,
            List.of("alice", "bob"), List.of(BigInteger.ONE)), "mismatched rewards"))
        .isInstanceOf(AnchorRejectedException.class)
        .hasMessageContaining("ShoalAnchor: names and amounts differ in length");
    assertThatThrownBy(() -> chain.transact(anchor.address(), ShoalAnchorAbi.addRewards(runId, 1,
            List.of(), List.of()), "no rewards"))
        .hasMessageContaining("ShoalAnchor: no rewards given");
    assertThatThrownBy(() -> chain.transact(anchor.address(), ShoalAnchorAbi.addRewards(runId, 1,
            List.of(""), List.of(BigInteger.ONE)), "empty name"))
        .hasMessageContaining("ShoalAnchor: participant name is empty");
    assertThatThrownBy(() -> chain.call(anchor.address(), ShoalAnchorAbi.checkpointAt(runId, 0)))
        .isInstanceOf(AnchorRejectedException.class)
        .hasMessageContaining("ShoalAnchor: checkpoint index out of range");
    assertThat(anchor.rewardsAdded("run", 1)).isFalse();
  }

  @Test
  void anAccountWithoutEtherGetsTheNodesReason() {
    Credentials broke = Credentials.create("11".repeat(32));

    assertThatThrownBy(() -> LedgerAnchor.deploy(ganache.web3j(), broke, Ganache.CHAIN_ID))
        .isInstanceOf(AnchorException.class)
        .hasMessageContaining("deploying the ShoalAnchor contract failed")
        .hasMessageContaining("insufficient funds")
        .hasMessageContaining("account " + broke.getAddress() + " needs ether on chain id " + Ganache.CHAIN_ID);
  }

  @Test
  void refusesANodeOfAnotherChainAndAnAddressWithoutTheContract() {
    assertThatThrownBy(() -> LedgerAnchor.deploy(ganache.web3j(), Ganache.owner(), 1))
        .isInstanceOf(AnchorException.class)
        .hasMessageContaining("serves chain id " + Ganache.CHAIN_ID + " but chain id 1 was configured");
    assertThatThrownBy(() -> LedgerAnchor.at("0x" + "12".repeat(20), ganache.web3j(), Ganache.owner(), Ganache.CHAIN_ID))
        .isInstanceOf(AnchorException.class)
        .hasMessageContaining("there is no contract at 0x1212");
  }

  @Test
  void refusesAContractThatIsNotAShoalAnchor() throws Exception {
    // a contract whose code only stops: it answers every call with no data
    String stop = "0x" + "600a600c600039600a6000f3" + "00".repeat(10);
    ChainClient chain = ChainClient.connect(ganache.web3j(), Ganache.owner(), Ganache.CHAIN_ID);
    String other = chain.deploy(stop);

    assertThatThrownBy(() -> LedgerAnchor.readOnly(other, ganache.web3j(), Ganache.CHAIN_ID))
        .isInstanceOf(AnchorException.class)
        .hasMessageContaining("returned no data for owner")
        .hasMessageContaining("is it a ShoalAnchor contract on chain id " + Ganache.CHAIN_ID);
  }
}
