package dev.shoal.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --anchor-*}: anchoring the run's ledger on an Ethereum-compatible chain while it runs (off by default). */
final class AnchorOptions {

  @Option(names = "--anchor-rpc", paramLabel = "URL",
      description = "Anchor the ledger on the chain at this JSON-RPC URL during the run (default: off); see docs/anchoring.md.")
  String rpc;

  @Option(names = "--anchor-key-file", paramLabel = "FILE",
      description = "With --anchor-rpc: file holding the signing account's private key, readable by its owner only.")
  Path keyFile;

  @Option(names = "--anchor-chain-id", paramLabel = "N", description = "With --anchor-rpc: the chain id the node must serve.")
  Long chainId;

  @Option(names = "--anchor-contract", paramLabel = "ADDRESS",
      description = "With --anchor-rpc: a deployed ShoalAnchor contract (default: the one in DIR/ledger/anchor.json, or a new one).")
  String contract;

  @Option(names = "--anchor-every", paramLabel = "N",
      description = "With --anchor-rpc: anchor every N rounds, and after the last (default: 1).")
  Integer every;

  Optional<AnchorSchedule> resolve() {
    if (rpc == null) {
      List<String> stray = new ArrayList<>();
      if (keyFile != null) {
        stray.add("--anchor-key-file");
      }
      if (chainId != null) {
        stray.add("--anchor-chain-id");
      }
      if (contract != null) {
        stray.add("--anchor-contract");
      }
      if (every != null) {
        stray.add("--anchor-every");
      }
      if (!stray.isEmpty()) {
        throw new UserError(String.join(", ", stray) + " given without --anchor-rpc; anchoring is on only with --anchor-rpc URL");
      }
      return Optional.empty();
    }
    if (keyFile == null) {
      throw new UserError("--anchor-rpc needs --anchor-key-file FILE, the signing account's private key");
    }
    if (chainId == null) {
      throw new UserError("--anchor-rpc needs --anchor-chain-id N, the chain id the node serves");
    }
    return Optional.of(new AnchorSchedule(
        new AnchorSettings(rpc, keyFile, chainId, Optional.ofNullable(contract)), every == null ? 1 : every));
  }
}
