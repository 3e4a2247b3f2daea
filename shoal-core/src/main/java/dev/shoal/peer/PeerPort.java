package dev.shoal.peer;

import java.io.IOException;
import java.util.List;

/**
 * What a peer serves to the others. The transport calls it with the caller's name, taken from its
 * verified certificate under mutual TLS. A {@link SecurityException} refuses the caller, an {@link
 * IllegalStateException} says this peer is not at that round, an {@link IllegalArgumentException}
 * refuses the request's content.
 */
public interface PeerPort {

  /** The caller greets this peer; the answer is this peer first, then the peers it knows. */
  List<PeerInfo> hello(String caller, PeerInfo info);

  /** The caller's update for a round is ready. */
  void offer(String caller, UpdateOffer offer);

  /** Paxos phase 1 for {@code round}. */
  Promise prepare(String caller, long round, Ballot ballot) throws IOException;

  /** Paxos phase 2 for {@code round}: accept {@code entry} under {@code ballot}, or say why not. */
  Vote accept(String caller, long round, Ballot ballot, byte[] entry) throws IOException;

  /** A round was decided. */
  void decide(String caller, Decision decision) throws IOException;

  /** Decided rounds from {@code from}, at most {@code max}. */
  List<Decision> decisions(long from, int max) throws IOException;
}
