package dev.shoal.ledger;

import java.util.List;

/**
 * The result of {@link SignedNote#verify}: the note text, now trusted, with the signatures that
 * verified and those by keys the verifier does not know.
 *
 * @param text the note text
 * @param verified signatures by known keys, all valid
 * @param unverified signatures by unknown keys, ignored
 * @param cosignatures the verified cosignatures with their timestamps
 */
record VerifiedNote(String text, List<NoteSignature> verified, List<NoteSignature> unverified,
    List<Cosignature> cosignatures) {

  public VerifiedNote {
    verified = List.copyOf(verified);
    unverified = List.copyOf(unverified);
    cosignatures = List.copyOf(cosignatures);
  }

  /** Whether this verifier's key produced one of the verified signatures. */
  public boolean signedBy(NoteVerifier verifier) {
    return verified.stream().anyMatch(s -> s.name().equals(verifier.name()) && s.keyHash() == verifier.keyHash());
  }
}
