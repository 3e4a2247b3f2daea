package dev.shoal.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and as whom a run's ledger is anchored: the chain's JSON-RPC URL, the file holding the
 * signing key, the chain id the node must serve, and the ShoalAnchor contract to use (when
 * absent, the one remembered in {@code DIR/ledger/anchor.json}, or else a new one).
 */
record AnchorSettings(String rpc, Path keyFile, long chainId, Optional<String> contract) {

  AnchorSettings {
    Objects.requireNonNull(keyFile, "keyFile");
    String scheme = rpc == null ? "" : rpc.toLowerCase(Locale.ROOT);
    if (!scheme.startsWith("http://") && !scheme.startsWith("https://")) {
      throw new UserError("rpc must be an http:// or https:// URL of an Ethereum JSON-RPC node, got '" + rpc + "'");
    }
    if (chainId < 1) {
      throw new UserError("chain-id must be a positive number (1 for Ethereum mainnet, 31337 for a local"
          + " development chain), got " + chainId);
    }
    contract = contract.map(String::strip);
    if (contract.isPresent() && !contract.get().matches("0x[0-9a-fA-F]{40}")) {
      throw new UserError("contract must be an address: 0x followed by 40 hex digits, got '" + contract.get() + "'");
    }
  }
}
