package dev.shoal.app;

import dev.shoal.anchor.AnchorException;
import dev.shoal.anchor.AnchoredCheckpoint;
import dev.shoal.anchor.KeyFile;
import dev.shoal.anchor.LedgerAnchor;
import dev.shoal.anchor.RewardScale;
import dev.shoal.ledger.Checkpoint;
import dev.shoal.ledger.LedgerEntry;
import dev.shoal.ledger.RoundCompleted;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * Anchors a run's ledger on an Ethereum-compatible chain, the one place both {@code shoal ledger
 * anchor} and anchoring during a run go through. It verifies the ledger, opens (or deploys and
 * remembers) the ShoalAnchor contract, anchors the latest checkpoint unless the chain holds it,
 * adds the rewards of every round the chain has not rewarded, then reads the chain back and
 * compares it with the ledger. Sending is idempotent: a second call sends nothing new.
 *
 * <p>Rewards in the ledger are amounts of at most six decimals stored as JSON numbers (doubles);
 * each is converted to the decimal it was written from (the shortest decimal that reads back as
 * that double) and must then have at most six decimals, the chain's micro-units. Nothing is
 * rounded: an amount with more decimals is refused, naming its entry.
 */
final class LedgerAnchoring {

  private static final Logger log = LoggerFactory.getLogger(LedgerAnchoring.class);
  private static final HexFormat HEX = HexFormat.of();

  private LedgerAnchoring() {}

  /** Anchors the ledger of the run in {@code runDir} as {@code settings} say and reports what the chain holds. */
  static AnchorReport anchor(Path runDir, AnchorSettings settings) throws IOException {
    LedgerCheck ledger = LedgerCheck.of(runDir);
    Checkpoint latest = ledger.latest();
    String run = runName(latest);
    Rewards rewards = rewards(ledger, latest.size());
    Credentials credentials;
    try {
      credentials = KeyFile.load(settings.keyFile());
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    Web3j web3j = Web3j.build(new HttpService(settings.rpc()));
    try {
      LedgerAnchor anchor = open(runDir, settings, web3j, credentials);
      List<AnchoredCheckpoint> onChain = anchor.checkpoints(run);
      List<String> mismatches = new ArrayList<>(compare(onChain, ledger, run));
      long chainSize = onChain.isEmpty() ? 0 : onChain.getLast().treeSize();
      boolean anchored = false;
      if (mismatches.isEmpty() && chainSize < latest.size()) {
        anchor.anchor(run, latest.size(), latest.root());
        anchored = true;
      }
      List<Long> rewarded = new ArrayList<>();
      if (mismatches.isEmpty()) {
        for (Map.Entry<Long, Map<String, BigDecimal>> round : rewards.byRound().entrySet()) {
          if (!anchor.rewardsAdded(run, Math.toIntExact(round.getKey()))) {
            anchor.addRewards(run, Math.toIntExact(round.getKey()), round.getValue());
            rewarded.add(round.getKey());
          }
        }
      }
      Optional<AnchoredCheckpoint> head = anchor.latest(run);
      if (head.isEmpty() || head.get().treeSize() != latest.size() || !Arrays.equals(head.get().root(), latest.root())) {
        mismatches.add("the chain's latest checkpoint of run '" + run + "' is "
            + head.map(h -> "size " + h.treeSize() + ", root " + h.rootHex()).orElse("none")
            + "; the ledger's is size " + latest.size() + ", root " + HEX.formatHex(latest.root()));
      }
      Map<String, AnchorReport.Balance> balances = new TreeMap<>();
      rewards.totals().forEach((name, total) -> {
        BigInteger balance = anchor.balanceOf(name);
        balances.put(name, new AnchorReport.Balance(balance, total));
        if (!balance.equals(total)) {
          mismatches.add("participant '" + name + "' has a balance of " + balance + " micro-units on chain; its"
              + " rewards in the ledger sum to " + total + " (balances are per contract: a contract shared with other"
              + " runs adds theirs)");
        }
      });
      log.info("ledger anchored run={} contract={} chain_id={} size={} sent_checkpoint={} rounds_rewarded={} agrees={}",
          run, anchor.address(), settings.chainId(), latest.size(), anchored, rewarded.size(), mismatches.isEmpty());
      return new AnchorReport(anchor.address(), settings.chainId(), run, latest.size(), HEX.formatHex(latest.root()),
          anchored, List.copyOf(rewarded), balances, List.copyOf(mismatches));
    } catch (AnchorException e) {
      throw new UserError(e.getMessage());
    } finally {
      web3j.shutdown();
    }
  }

  /** The run's name on chain: its checkpoints' origin without the {@code shoal/} prefix. */
  static String runName(Checkpoint checkpoint) {
    String prefix = Checkpoint.originFor("");
    if (!checkpoint.origin().startsWith(prefix) || checkpoint.origin().length() == prefix.length()) {
      throw new UserError("the ledger's checkpoints have origin '" + checkpoint.origin() + "'; anchoring needs a"
          + " Shoal run's ledger, whose origin is " + prefix + "RUN");
    }
    return checkpoint.origin().substring(prefix.length());
  }

  /** The contract given, else the one remembered for the run, else a new one (remembered from then on). */
  private static LedgerAnchor open(Path runDir, AnchorSettings settings, Web3j web3j, Credentials credentials)
      throws IOException {
    Optional<AnchorMemory> memory = AnchorMemory.read(runDir);
    if (settings.contract().isPresent()) {
      LedgerAnchor anchor = LedgerAnchor.at(settings.contract().get(), web3j, credentials, settings.chainId());
      AnchorMemory given = new AnchorMemory(settings.chainId(), anchor.address());
      if (!memory.equals(Optional.of(given))) {
        given.write(runDir);
      }
      return anchor;
    }
    if (memory.isPresent()) {
      AnchorMemory m = memory.get();
      if (m.chainId() != settings.chainId()) {
        throw new UserError(AnchorMemory.file(runDir) + " remembers contract " + m.contract() + " on chain id "
            + m.chainId() + ", but chain id " + settings.chainId() + " was given; give chain id " + m.chainId()
            + ", or a contract on chain id " + settings.chainId() + " with --contract");
      }
      return LedgerAnchor.at(m.contract(), web3j, credentials, settings.chainId());
    }
    LedgerAnchor anchor = LedgerAnchor.deploy(web3j, credentials, settings.chainId());
    new AnchorMemory(settings.chainId(), anchor.address()).write(runDir);
    return anchor;
  }

  /** Every checkpoint the chain holds for the run must be one of the ledger's, with the same root. */
  private static List<String> compare(List<AnchoredCheckpoint> onChain, LedgerCheck ledger, String run) {
    Map<Long, byte[]> roots = new LinkedHashMap<>();
    ledger.checkpoints().forEach(c -> roots.put(c.size(), c.root()));
    List<String> mismatches = new ArrayList<>();
    for (AnchoredCheckpoint c : onChain) {
      byte[] root = roots.get(c.treeSize());
      if (root == null) {
        mismatches.add("the chain holds a checkpoint of run '" + run + "' at size " + c.treeSize()
            + ", which this ledger has no checkpoint of (its latest is size " + ledger.latest().size()
            + "); is the contract anchoring another run of the same name?");
      } else if (!Arrays.equals(root, c.root())) {
        mismatches.add("the chain's checkpoint of run '" + run + "' at size " + c.treeSize() + " has root "
            + c.rootHex() + "; the ledger's has root " + HEX.formatHex(root));
      }
    }
    return mismatches;
  }

  /** Rewards of the rounds in the first {@code size} entries, by round, and each participant's total. */
  private record Rewards(Map<Long, Map<String, BigDecimal>> byRound, Map<String, BigInteger> totals) {}

  /** A round recorded twice (a resumed run repeats the round in flight) counts once, as first recorded. */
  private static Rewards rewards(LedgerCheck ledger, long size) {
    Map<Long, Map<String, BigDecimal>> byRound = new TreeMap<>();
    Map<String, BigInteger> totals = new TreeMap<>();
    for (int i = 0; i < size; i++) {
      if (LedgerEntry.parse(ledger.entries().get(i)) instanceof RoundCompleted r
          && !r.rewards().isEmpty() && !byRound.containsKey(r.round())) {
        if (r.round() > Integer.MAX_VALUE) {
          throw new UserError("entry " + i + " is round " + r.round() + "; the chain takes rounds up to " + Integer.MAX_VALUE);
        }
        Map<String, BigDecimal> amounts = new TreeMap<>();
        for (Map.Entry<String, Double> e : r.rewards().entrySet()) {
          BigDecimal units = units(e.getValue(), i, e.getKey());
          amounts.put(e.getKey(), units);
          totals.merge(e.getKey(), RewardScale.toMicroUnits(units), BigInteger::add);
        }
        byRound.put(r.round(), amounts);
      }
    }
    return new Rewards(byRound, totals);
  }

  /** The ledger's reward, as the decimal it was written from, in exactly six decimals. */
  private static BigDecimal units(double reward, int entry, String node) {
    BigDecimal written = BigDecimal.valueOf(reward);
    if (written.signum() < 0) {
      throw new UserError("entry " + entry + " gives " + node + " a negative reward (" + reward + "); rewards must be 0 or more");
    }
    try {
      return written.setScale(RewardScale.DECIMALS, RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw new UserError("entry " + entry + " gives " + node + " a reward of " + written.toPlainString() + ", which has more than "
          + RewardScale.DECIMALS + " decimals; the chain stores micro-units and Shoal does not round rewards");
    }
  }
}
