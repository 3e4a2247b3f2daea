package dev.shoal.peer;

/**
 * An acceptor's answer to phase 2: accepted, with its cosignature line over the checkpoint the
 * entry gives its ledger, or refused with the reason.
 */
public record Vote(boolean accepted, String cosignature, String reason) {

  public static Vote refused(String reason) {
    return new Vote(false, "", reason);
  }
}
