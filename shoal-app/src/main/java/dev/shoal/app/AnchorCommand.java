package dev.shoal.app;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "anchor", mixinStandardHelpOptions = true, sortOptions = false, description = {
    "Anchor the run's ledger on an Ethereum-compatible chain (see docs/anchoring.md): verify the",
    "ledger, deploy a ShoalAnchor contract unless --contract is given or DIR/ledger/anchor.json",
    "remembers one, anchor the latest checkpoint and add the rewards of every round the chain has",
    "not rewarded yet; then read the chain back and exit 1 naming anything that differs from the",
    "ledger. Running it again sends nothing new and checks again."})
final class AnchorCommand implements Callable<Integer> {

  @Parameters(paramLabel = "DIR") Path dir;

  @Option(names = "--rpc", required = true, paramLabel = "URL", description = "The chain's JSON-RPC URL, e.g. http://127.0.0.1:8545.")
  String rpc;

  @Option(names = "--key-file", required = true, paramLabel = "FILE",
      description = "File holding the signing account's private key (64 hex digits), readable by its owner only.")
  Path keyFile;

  @Option(names = "--chain-id", required = true, paramLabel = "N", description = "The chain id the node must serve (EIP-155).")
  long chainId;

  @Option(names = "--contract", paramLabel = "ADDRESS",
      description = "A deployed ShoalAnchor contract to use (default: the one in DIR/ledger/anchor.json, or a new one).")
  String contract;

  @Override
  public Integer call() throws Exception {
    AnchorReport report = LedgerAnchoring.anchor(dir,
        new AnchorSettings(rpc, keyFile, chainId, Optional.ofNullable(contract)));
    report.print(System.out);
    return report.agrees() ? 0 : 1;
  }
}
