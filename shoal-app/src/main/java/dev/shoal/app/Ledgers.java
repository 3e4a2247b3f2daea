package dev.shoal.app;

import dev.shoal.round.RunListener;
import java.util.ArrayList;
import java.util.List;

/** The listeners of a run, with its ledger recorder when the run keeps a ledger, and its anchoring. */
final class Ledgers {

  private Ledgers() {}

  /**
   * The reporters, then the ledger recorder when the run keeps a ledger in {@code runDir}, then,
   * when the job anchors, the listener that anchors the ledger the recorder just wrote.
   */
  static List<RunListener> with(RunLedger ledger, String run, Specs specs, java.nio.file.Path runDir,
      RunListener... reporters) {
    List<RunListener> all = new ArrayList<>(List.of(reporters));
    if (ledger != null) {
      all.add(new LedgerRecorder(ledger, run, specs.identity().configHash()));
      specs.federation().anchoring().ifPresent(schedule -> all.add(new AnchorListener(runDir, schedule)));
    }
    return all;
  }

  /** Tells where the run's ledger is and how to check it. */
  static void report(FederationSpec federation, java.nio.file.Path runDir, java.io.PrintStream console) {
    if (federation.provenance().ledger()) {
      console.printf("ledger in %s; check it with: shoal ledger verify %s%n", runDir.resolve(RunLedger.DIR), runDir);
    }
    federation.anchoring().ifPresent(a -> {
      String contract;
      try {
        contract = AnchorMemory.read(runDir).map(m -> "contract " + m.contract()).orElse("no contract yet");
      } catch (java.io.IOException | UserError e) {
        contract = "contract unknown (" + e.getMessage() + ")";
      }
      console.printf("ledger anchored to %s on chain id %d; check or retry with: shoal ledger anchor %s --rpc %s"
          + " --key-file %s --chain-id %d%n", contract, a.chain().chainId(), runDir, a.chain().rpc(),
          a.chain().keyFile(), a.chain().chainId());
    });
  }
}
