package dev.shoal.app;

import dev.shoal.anchor.RewardScale;
import java.io.PrintStream;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What anchoring a ledger did and what the chain holds afterwards.
 *
 * @param contract the ShoalAnchor contract's address
 * @param chainId the chain it is on
 * @param run the run's name on chain
 * @param size the tree size anchored for the run (the ledger's latest checkpoint)
 * @param rootHex that checkpoint's root, hex
 * @param anchored whether this call sent the checkpoint (false: the chain already held it)
 * @param roundsRewarded the rounds whose rewards this call sent
 * @param balances each participant's balance on chain and the sum of its ledger rewards, micro-units
 * @param mismatches where the chain disagrees with the ledger; empty when it agrees
 */
record AnchorReport(String contract, long chainId, String run, long size, String rootHex, boolean anchored,
    List<Long> roundsRewarded, Map<String, Balance> balances, List<String> mismatches) {

  /** A participant's balance on chain and what the ledger says it should be, in micro-units. */
  record Balance(BigInteger onChain, BigInteger ledger) {}

  boolean agrees() {
    return mismatches.isEmpty();
  }

  void print(PrintStream out) {
    out.printf(Locale.ROOT, "contract %s on chain id %d, run %s%n", contract, chainId, run);
    out.printf(Locale.ROOT, "checkpoint: size %d, root %s (%s)%n", size, rootHex,
        anchored ? "anchored now" : "already anchored");
    out.printf(Locale.ROOT, "rewards: %s%n", roundsRewarded.isEmpty()
        ? "no new round to reward" : "added for round(s) " + roundsRewarded);
    balances.forEach((name, b) -> out.printf(Locale.ROOT, "  %-20s balance %s (ledger %s)%n", name,
        RewardScale.toUnits(b.onChain()).toPlainString(), RewardScale.toUnits(b.ledger()).toPlainString()));
    if (agrees()) {
      out.println("the chain agrees with the ledger");
    } else {
      mismatches.forEach(m -> out.println("mismatch: " + m));
    }
  }
}
