package dev.shoal.ledger;

import java.util.List;

/**
 * A checkpoint whose log signature and cosignature quorum were verified by a
 * {@link CheckpointPolicy}.
 *
 * @param checkpoint the trusted checkpoint
 * @param cosignatures the verified cosignatures, one per trusted witness that signed
 */
public record VerifiedCheckpoint(Checkpoint checkpoint, List<Cosignature> cosignatures) {

  public VerifiedCheckpoint {
    cosignatures = List.copyOf(cosignatures);
  }
}
