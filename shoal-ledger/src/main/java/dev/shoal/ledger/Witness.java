package dev.shoal.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A node's witness of one log. It pins the log's key the first time it sees it, keeps the last
 * checkpoint it cosigned, and cosigns a new checkpoint only when:
 *
 * <ul>
 *   <li>it is signed by the pinned log key (for the key's own origin);
 *   <li>it does not shrink the tree, and a tree of the same size has the same root;
 *   <li>a consistency proof (RFC 9162 §2.1.4) links it to the last cosigned checkpoint;
 *   <li>each entry offered as the node's own lies in the new part of the tree, is proved included
 *       (RFC 9162 §2.1.3), and names the node as a participant; when the node told the witness
 *       which update it sent in that round, the entry records exactly that commitment.
 * </ul>
 *
 * Anything else is an {@link InconsistentLogException} that says what does not hold.
 */
public final class Witness {

  /** An entry offered as the witness's own, with its inclusion proof. */
  public record Included(long index, byte[] json, List<byte[]> proof) {}

  /** A cosigned checkpoint: the note with this witness's signature added. */
  public record Cosigned(Checkpoint checkpoint, NoteSignature cosignature, String note) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String node;
  private final Cosigner cosigner;
  private final java.util.Map<Long, String> sent = new java.util.HashMap<>();
  private String logKey;
  private Cosigned last;

  /**
   * @param node the node's name, as the log's entries name it
   * @param logKey the log verifier key pinned earlier, if any
   * @param last the note of the last checkpoint this witness cosigned, if any (needs {@code logKey})
   * @throws IllegalArgumentException if {@code last} does not verify with {@code logKey}
   */
  public Witness(String node, Cosigner cosigner, Optional<String> logKey, Optional<String> last) {
    this.node = node;
    this.cosigner = cosigner;
    this.logKey = logKey.orElse(null);
    if (last.isPresent()) {
      if (this.logKey == null) {
        throw new IllegalArgumentException("a cosigned checkpoint needs the log key it was checked with");
      }
      try {
        Checkpoint c = verify(last.get());
        SignedNote note = SignedNote.parse(last.get());
        NoteSignature own = note.signatures().stream().filter(s -> s.keyHash() == cosigner.keyHash()).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("the kept checkpoint has no cosignature by " + cosigner));
        this.last = new Cosigned(c, own, last.get());
      } catch (InconsistentLogException e) {
        throw new IllegalArgumentException("the kept checkpoint does not verify: " + e.getMessage(), e);
      }
    }
  }

  /** The node sent the update with content id {@code commitment} in {@code round}. */
  public synchronized void sent(long round, String commitment) {
    sent.put(round, commitment);
  }

  /** The tree size of the last cosigned checkpoint, 0 before the first. */
  public synchronized long size() {
    return last == null ? 0 : last.checkpoint().size();
  }

  /** The pinned log key. */
  public synchronized Optional<String> logKey() {
    return Optional.ofNullable(logKey);
  }

  /** The last cosigned checkpoint. */
  public synchronized Optional<Cosigned> last() {
    return Optional.ofNullable(last);
  }

  /**
   * Checks a new checkpoint and, when everything holds, cosigns it.
   *
   * @param offeredKey the log key the coordinator says it signs with
   * @param signedNote the checkpoint as a signed note
   * @param consistency the proof from {@link #size()} to the checkpoint's size
   * @param entries the node's entries at index {@code >= size()}, with inclusion proofs
   * @throws InconsistentLogException saying what does not hold; nothing changes then
   */
  public synchronized Cosigned witness(String offeredKey, String signedNote, List<byte[]> consistency,
      List<Included> entries, Instant now) throws InconsistentLogException {
    if (logKey != null && !logKey.equals(offeredKey)) {
      throw new InconsistentLogException("the log's key changed from " + logKey + " to " + offeredKey);
    }
    String pinned = logKey;
    logKey = offeredKey;
    Checkpoint next;
    try {
      next = verify(signedNote);
    } finally {
      logKey = pinned;
    }
    if (last != null) {
      Checkpoint seen = last.checkpoint();
      if (next.size() < seen.size()) {
        throw new InconsistentLogException("the log shrank: this node cosigned a checkpoint of " + seen.size()
            + " entries, and now the log has " + next.size() + " (truncated or replaced)");
      }
      if (next.size() == seen.size() && !java.util.Arrays.equals(next.root(), seen.root())) {
        throw new InconsistentLogException("two different roots for a tree of " + seen.size()
            + " entries: the log was rewritten");
      }
      if (next.size() > seen.size()
          && !MerkleTree.verifyConsistency(seen.size(), next.size(), consistency, seen.root(), next.root())) {
        throw new InconsistentLogException("the checkpoint of " + next.size()
            + " entries is not consistent with the checkpoint of " + seen.size()
            + " entries this node cosigned: earlier entries were changed");
      }
    }
    long from = size();
    for (Included e : entries) {
      if (e.index() < from || e.index() >= next.size()) {
        throw new InconsistentLogException("entry " + e.index() + " was offered, but only entries " + from + ".."
            + (next.size() - 1) + " are new");
      }
      if (!MerkleTree.verifyInclusion(MerkleTree.leafHash(e.json()), e.index(), next.size(), e.proof(), next.root())) {
        throw new InconsistentLogException("entry " + e.index() + " is not in the checkpoint of " + next.size()
            + " entries: its inclusion proof fails");
      }
      checkOwn(e);
    }
    NoteSignature cosignature = cosigner.cosign(next, now);
    String note = SignedNote.parse(signedNote).withSignature(cosignature).encode();
    logKey = offeredKey;
    last = new Cosigned(next, cosignature, note);
    return last;
  }

  private Checkpoint verify(String signedNote) throws InconsistentLogException {
    try {
      if (!(NoteVerifier.parse(logKey) instanceof Ed25519NoteVerifier key)) {
        throw new InconsistentLogException("the log key " + logKey + " is not a note signing key");
      }
      return CheckpointPolicy.logOnly(key.name(), key).verify(signedNote).checkpoint();
    } catch (NoteVerificationException | IllegalArgumentException e) {
      throw new InconsistentLogException("the checkpoint does not verify: " + e.getMessage());
    }
  }

  /** The entry names this node, and records the update it sent in that round, if it said which. */
  private void checkOwn(Included e) throws InconsistentLogException {
    JsonNode entry;
    try {
      entry = JSON.readTree(e.json());
    } catch (IOException x) {
      throw new InconsistentLogException("entry " + e.index() + " is not JSON");
    }
    boolean named = false;
    for (JsonNode p : entry.path("participants")) {
      named |= p.asText().equals(node);
    }
    if (!named) {
      throw new InconsistentLogException("entry " + e.index() + " was offered as this node's, but it does not name "
          + node + " as a participant");
    }
    String mine = sent.get(entry.path("round").asLong(-1));
    String recorded = entry.path("updateCommitments").path(node).asText(null);
    if (mine != null && !mine.equals(recorded)) {
      throw new InconsistentLogException("entry " + e.index() + " records update " + recorded + " for this node in round "
          + entry.path("round").asLong() + ", but it sent " + mine);
    }
  }
}
