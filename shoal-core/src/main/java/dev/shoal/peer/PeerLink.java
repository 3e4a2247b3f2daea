package dev.shoal.peer;

import dev.shoal.tensor.ContentId;
import java.io.IOException;
import java.util.List;

/**
 * A connection to one other peer: {@link PeerPort}'s calls made on it, and blob downloads. Every
 * call fails with an {@link IOException} when the peer cannot be reached.
 */
public interface PeerLink extends AutoCloseable {

  List<PeerInfo> hello(PeerInfo self) throws IOException;

  void offer(UpdateOffer offer) throws IOException;

  Promise prepare(long round, Ballot ballot) throws IOException;

  Vote accept(long round, Ballot ballot, byte[] entry) throws IOException;

  void decide(Decision decision) throws IOException;

  List<Decision> decisions(long from, int max) throws IOException;

  /**
   * Downloads blob {@code id} to {@code to}, appending to what it holds (a broken transfer resumes);
   * refuses a blob larger than {@code maxBytes}.
   */
  void fetch(ContentId id, java.nio.file.Path to, long maxBytes) throws IOException;

  @Override
  void close();
}
