package dev.shoal.anchor;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;

/**
 * A deployed ShoalAnchor contract: anchors ledger checkpoints of runs and adds participants'
 * rewards, and reads both back. Writes are signed locally (EIP-155, with the configured chain
 * id) and simulated first, so a rejected write fails with the contract's reason and costs no gas.
 * Only the account that deployed the contract may write; anyone may read.
 */
public final class LedgerAnchor {

  private static final Logger log = LoggerFactory.getLogger(LedgerAnchor.class);

  private static final int ROOT_BYTES = 32;

  private final ChainClient chain;
  private final String address;

  private LedgerAnchor(ChainClient chain, String address) {
    this.chain = chain;
    this.address = address;
  }

  /** Deploys a new ShoalAnchor contract owned by {@code credentials}' account. */
  public static LedgerAnchor deploy(Web3j web3j, Credentials credentials, long chainId) {
    Objects.requireNonNull(credentials, "credentials");
    ChainClient chain = ChainClient.connect(web3j, credentials, chainId);
    String address = chain.deploy(ShoalAnchorAbi.bytecode());
    log.info("anchor contract deployed address={} chain_id={} owner={}", address, chainId, credentials.getAddress());
    return new LedgerAnchor(chain, address);
  }

  /** Opens the ShoalAnchor contract at {@code address}; writes are signed with {@code credentials}. */
  public static LedgerAnchor at(String address, Web3j web3j, Credentials credentials, long chainId) {
    Objects.requireNonNull(credentials, "credentials");
    checkAddress(address);
    return open(address, ChainClient.connect(web3j, credentials, chainId));
  }

  /** Opens the ShoalAnchor contract at {@code address} for reading only. */
  public static LedgerAnchor readOnly(String address, Web3j web3j, long chainId) {
    checkAddress(address);
    return open(address, ChainClient.connect(web3j, null, chainId));
  }

  private static void checkAddress(String address) {
    if (address == null || !address.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException("contract address must be 0x followed by 40 hex digits, got " + address);
    }
  }

  private static LedgerAnchor open(String address, ChainClient chain) {
    if (!chain.hasCode(address)) {
      throw new AnchorException("there is no contract at " + address + " on chain id " + chain.chainId()
          + "; check the address, or deploy one first");
    }
    LedgerAnchor anchor = new LedgerAnchor(chain, address.toLowerCase());
    String owner = anchor.owner();
    if (chain.sender() != null && !owner.equalsIgnoreCase(chain.sender())) {
      log.warn("signing account is not the anchor contract's owner; writes will be refused address={} owner={} account={}",
          anchor.address, owner, chain.sender());
    }
    log.info("anchor contract opened address={} chain_id={} owner={}", anchor.address, chain.chainId(), owner);
    return anchor;
  }

  /** The contract's address, 0x-prefixed lowercase hex. */
  public String address() {
    return address;
  }

  /** The account allowed to write: the contract's deployer. */
  public String owner() {
    return ((Address) chain.call(address, ShoalAnchorAbi.owner()).getFirst()).getValue();
  }

  /**
   * Anchors the ledger checkpoint of {@code run} at tree size {@code size} with Merkle root
   * {@code root}; the size must exceed the run's latest anchored size.
   *
   * @return the transaction hash, 0x-prefixed
   * @throws AnchorRejectedException when the contract refuses (size not increasing, not the owner)
   */
  public String anchor(String run, long size, byte[] root) {
    byte[] runId = RunId.of(run);
    if (size <= 0) {
      throw new IllegalArgumentException("tree size must be positive, got " + size);
    }
    if (root == null || root.length != ROOT_BYTES) {
      throw new IllegalArgumentException("root must be " + ROOT_BYTES + " bytes (a SHA-256 Merkle tree head), got "
          + (root == null ? "none" : root.length + " bytes"));
    }
    String what = "anchoring run '" + run + "' at tree size " + size;
    String tx;
    try {
      tx = chain.transact(address, ShoalAnchorAbi.anchor(runId, size, root), what).getTransactionHash();
    } catch (AnchorRejectedException e) {
      if (e.reason().contains("tree size must be larger")) {
        long latest = latest(run).map(AnchoredCheckpoint::treeSize).orElse(0L);
        throw new AnchorRejectedException(what + " (its latest anchored size is " + latest + ")", e.reason());
      }
      throw e;
    }
    log.info("checkpoint anchored run={} size={} root={} tx={}", run, size, HexFormat.of().formatHex(root), tx);
    return tx;
  }

  /** Every checkpoint anchored for {@code run}, in anchoring order (empty when none). */
  public List<AnchoredCheckpoint> checkpoints(String run) {
    byte[] runId = RunId.of(run);
    BigInteger count = ((Uint256) chain.call(address, ShoalAnchorAbi.checkpointCount(runId)).getFirst()).getValue();
    List<AnchoredCheckpoint> checkpoints = new ArrayList<>(count.intValueExact());
    for (int i = 0; i < count.intValueExact(); i++) {
      checkpoints.add(checkpoint(run, i, chain.call(address, ShoalAnchorAbi.checkpointAt(runId, i))));
    }
    return List.copyOf(checkpoints);
  }

  /** The latest checkpoint anchored for {@code run}, if any. */
  public Optional<AnchoredCheckpoint> latest(String run) {
    byte[] runId = RunId.of(run);
    BigInteger count = ((Uint256) chain.call(address, ShoalAnchorAbi.checkpointCount(runId)).getFirst()).getValue();
    if (count.signum() == 0) {
      return Optional.empty();
    }
    return Optional.of(checkpoint(run, count.intValueExact() - 1,
        chain.call(address, ShoalAnchorAbi.latestCheckpoint(runId))));
  }

  /**
   * Adds round {@code round}'s rewards of {@code run} to the participants' cumulative balances.
   * Amounts are reward units with at most six decimals (see {@link RewardScale}); a round can be
   * rewarded once.
   *
   * @return the transaction hash, 0x-prefixed
   */
  public String addRewards(String run, int round, Map<String, BigDecimal> rewards) {
    byte[] runId = RunId.of(run);
    if (round < 0) {
      throw new IllegalArgumentException("round must be 0 or more, got " + round);
    }
    if (rewards.isEmpty()) {
      throw new IllegalArgumentException("no rewards given for run '" + run + "' round " + round);
    }
    Map<String, BigDecimal> sorted = new TreeMap<>(rewards);
    List<String> names = new ArrayList<>();
    List<BigInteger> amounts = new ArrayList<>();
    sorted.forEach((name, units) -> {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("participant names must not be blank");
      }
      names.add(name);
      amounts.add(RewardScale.toMicroUnits(Objects.requireNonNull(units, "reward of " + name)));
    });
    String what = "adding rewards of run '" + run + "' round " + round;
    String tx = chain.transact(address, ShoalAnchorAbi.addRewards(runId, round, names, amounts), what)
        .getTransactionHash();
    log.info("rewards added run={} round={} participants={} tx={}", run, round, names.size(), tx);
    return tx;
  }

  /** Whether round {@code round}'s rewards of {@code run} were added. */
  public boolean rewardsAdded(String run, int round) {
    if (round < 0) {
      throw new IllegalArgumentException("round must be 0 or more, got " + round);
    }
    return ((Bool) chain.call(address, ShoalAnchorAbi.rewardsAdded(RunId.of(run), round)).getFirst()).getValue();
  }

  /** The cumulative reward balance of {@code participant} in micro-units (see {@link RewardScale}). */
  public BigInteger balanceOf(String participant) {
    if (participant == null || participant.isBlank()) {
      throw new IllegalArgumentException("participant name must not be blank");
    }
    return ((Uint256) chain.call(address, ShoalAnchorAbi.balanceOf(participant)).getFirst()).getValue();
  }

  @SuppressWarnings("rawtypes")
  private static AnchoredCheckpoint checkpoint(String run, int index, List<Type> values) {
    long treeSize = ((Uint64) values.get(0)).getValue().longValueExact();
    byte[] root = ((Bytes32) values.get(1)).getValue();
    long anchoredAt = ((Uint64) values.get(2)).getValue().longValueExact();
    return new AnchoredCheckpoint(run, index, treeSize, root, Instant.ofEpochSecond(anchoredAt));
  }
}
