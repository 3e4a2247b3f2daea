package dev.shoal.federation;

import dev.shoal.federation.LedgerWitness;
import java.io.IOException;
import java.util.Optional;

/** The coordinator's ledger as nodes witness it: checkpoints with proofs out, cosignatures in. */
public interface CheckpointService {

  /** The latest checkpoint for a node that last saw {@code lastSize} entries; empty when not grown. */
  Optional<LedgerWitness.Offer> offer(String node, long lastSize) throws IOException;

  /**
   * Records a node's cosignature.
   *
   * @throws IllegalArgumentException when it is not a valid cosignature of a checkpoint of this
   *     log by that node
   */
  void cosign(String node, LedgerWitness.Cosignature cosignature) throws IOException;
}
