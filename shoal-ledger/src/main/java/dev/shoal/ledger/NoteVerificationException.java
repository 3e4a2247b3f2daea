package dev.shoal.ledger;

/** A signed note is refused: no trusted key signed it, or a trusted key's signature is invalid. */
public final class NoteVerificationException extends Exception {

  private static final long serialVersionUID = 1L;

  public NoteVerificationException(String message) {
    super(message);
  }
}
