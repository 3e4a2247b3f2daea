package dev.shoal.ledger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reader requires before trusting a checkpoint of one log: the log's origin, the log's
 * key, the witnesses it trusts and how many of them must have cosigned.
 *
 * @param origin the expected origin line, e.g. {@code shoal/mnist-7}
 * @param logKey the log's note key
 * @param witnesses the trusted cosigners
 * @param quorum how many distinct trusted cosigners must have cosigned, {@code 0..witnesses.size()}
 */
public record CheckpointPolicy(String origin, Ed25519NoteVerifier logKey, List<CosignatureVerifier> witnesses,
    int quorum) {

  public CheckpointPolicy {
    witnesses = List.copyOf(witnesses);
    if (quorum < 0 || quorum > witnesses.size()) {
      throw new IllegalArgumentException("cosignature quorum " + quorum + " is out of range: allowed 0.."
          + witnesses.size() + " (the number of trusted witnesses)");
    }
  }

  /**
   * A policy from published key strings: the log's verifier key (type 0x01) and the witnesses'
   * cosigner verifier keys (type 0x04).
   *
   * @throws IllegalArgumentException if a key string is malformed or of the wrong kind
   */
  public static CheckpointPolicy of(String origin, String logVerifierKey, List<String> witnessVerifierKeys, int quorum) {
    if (!(NoteVerifier.parse(logVerifierKey) instanceof Ed25519NoteVerifier logKey)) {
      throw new IllegalArgumentException("log verifier key " + logVerifierKey
          + " is a cosigner key (type 0x04): the log signs with a note key (type 0x01)");
    }
    List<CosignatureVerifier> witnesses = new ArrayList<>();
    for (String key : witnessVerifierKeys) {
      if (!(NoteVerifier.parse(key) instanceof CosignatureVerifier witness)) {
        throw new IllegalArgumentException("witness verifier key " + key
            + " is a note key (type 0x01): witnesses cosign with a cosigner key (type 0x04)");
      }
      witnesses.add(witness);
    }
    return new CheckpointPolicy(origin, logKey, witnesses, quorum);
  }

  /** A policy that trusts the log's signature alone. */
  public static CheckpointPolicy logOnly(String origin, Ed25519NoteVerifier logKey) {
    return new CheckpointPolicy(origin, logKey, List.of(), 0);
  }

  /**
   * Verifies a signed checkpoint note against this policy.
   *
   * @throws NoteVerificationException if the note is malformed, not signed by the log, signed
   *     with an invalid trusted signature, for another origin, or cosigned by fewer than
   *     {@code quorum} trusted witnesses
   */
  public VerifiedCheckpoint verify(String signedNote) throws NoteVerificationException {
    SignedNote note;
    Checkpoint checkpoint;
    try {
      note = SignedNote.parse(signedNote);
      checkpoint = Checkpoint.parse(note.text());
    } catch (IllegalArgumentException e) {
      throw new NoteVerificationException("checkpoint refused: " + e.getMessage());
    }
    List<NoteVerifier> trusted = new ArrayList<>(witnesses);
    trusted.add(logKey);
    VerifiedNote verified = note.verify(trusted);
    if (!verified.signedBy(logKey)) {
      throw new NoteVerificationException("checkpoint refused: it is not signed by the log key " + logKey.keyId());
    }
    if (!checkpoint.origin().equals(origin)) {
      throw new NoteVerificationException("checkpoint refused: its origin is \"" + checkpoint.origin()
          + "\", expected \"" + origin + "\"");
    }
    // One vote per witness: several cosignatures by one key (e.g. from different times) count once.
    Map<String, Cosignature> byWitness = new LinkedHashMap<>();
    for (Cosignature c : verified.cosignatures()) {
      byWitness.putIfAbsent(c.name() + "+" + c.keyHash(), c);
    }
    if (byWitness.size() < quorum) {
      throw new NoteVerificationException("checkpoint refused: " + byWitness.size()
          + " trusted witnesses cosigned it, the policy requires " + quorum);
    }
    return new VerifiedCheckpoint(checkpoint, List.copyOf(byWitness.values()));
  }
}
