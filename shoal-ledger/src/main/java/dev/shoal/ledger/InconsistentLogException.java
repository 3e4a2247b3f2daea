package dev.shoal.ledger;

/** A log contradicts what a witness has seen: the message says how. */
public final class InconsistentLogException extends Exception {

  public InconsistentLogException(String message) {
    super(message);
  }
}
