package dev.shoal.federation;

import java.util.List;

/**
 * A node's side of the coordinator's transparency log: it checks each new signed checkpoint
 * against the last one it cosigned (a consistency proof) and the node's own entries against the
 * new one (inclusion proofs), then cosigns it. A node whose witness finds the log inconsistent
 * stops and says why.
 */
public interface LedgerWitness {

  /** The tree size of the last checkpoint this node cosigned, 0 before the first. */
  long size();

  /**
   * The node sent, in the clear, the update with content id {@code commitment} for {@code round}:
   * an entry of that round that lists the node must record exactly that commitment.
   */
  void sent(long round, String commitment);

  /**
   * Checks {@code offer} and returns this node's cosignature of its checkpoint.
   *
   * @throws Inconsistent when the checkpoint or a proof does not hold: the reason says which
   */
  Cosignature witness(Offer offer) throws Inconsistent;

  /**
   * What the coordinator sends: its log's verifier key, its latest signed checkpoint (a C2SP
   * signed note), a consistency proof from the size the node last saw, and the node's entries
   * since then, each with its inclusion proof.
   */
  record Offer(String logKey, String checkpoint, List<byte[]> consistency, List<Entry> entries) {
    public Offer {
      consistency = List.copyOf(consistency);
      entries = List.copyOf(entries);
    }
  }

  /** A log entry (its canonical JSON) at {@code index}, with its inclusion proof. */
  record Entry(long index, byte[] json, List<byte[]> proof) {
    public Entry {
      proof = List.copyOf(proof);
    }
  }

  /**
   * A node's cosignature of the checkpoint of {@code size}: its cosigner verifier key and the
   * signature line to add to the note.
   */
  record Cosignature(long size, String cosignerKey, String signatureLine) {}

  /** The coordinator's log contradicts what this node has seen or been told. */
  final class Inconsistent extends Exception {
    public Inconsistent(String reason) {
      super(reason);
    }
  }
}
