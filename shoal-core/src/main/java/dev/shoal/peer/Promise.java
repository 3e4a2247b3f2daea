package dev.shoal.peer;

import java.util.Optional;

/**
 * An acceptor's answer to phase 1 of a round: granted or not, the highest ballot it promised, and
 * the entry it accepted in this round, if any, with its ballot.
 */
public record Promise(boolean granted, Ballot promised, Optional<Accepted> accepted, String reason) {

  /** An entry accepted under a ballot. */
  public record Accepted(Ballot ballot, byte[] entry) {}
}
