package dev.shoal.peer;

import dev.shoal.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * A peer's Paxos acceptor for the round being decided. What it promised and accepted is written
 * to its file (atomically, fsync'd) before it answers, so that a peer killed and started again
 * never breaks a promise: two quorums can then never decide different entries for one round.
 */
public final class Acceptor {

  private final Path file;
  private long round;
  private Ballot promised = Ballot.NONE;
  private Optional<Promise.Accepted> accepted = Optional.empty();

  private Acceptor(Path file) {
    this.file = file;
  }

  /** The acceptor whose state is kept in {@code file} (read back if it exists). */
  public static Acceptor open(Path file) throws IOException {
    Acceptor a = new Acceptor(file);
    try {
      String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
      a.round = Long.parseLong(lines[0]);
      a.promised = new Ballot(Long.parseLong(lines[1]), lines[2]);
      if (!lines[3].isEmpty()) {
        a.accepted = Optional.of(new Promise.Accepted(new Ballot(Long.parseLong(lines[3]), lines[4]),
            Base64.getDecoder().decode(lines[5])));
      }
    } catch (NoSuchFileException e) {
      // a new peer: nothing promised yet
    } catch (RuntimeException e) {
      throw new IOException("the Paxos state in " + file + " is damaged (" + e + "); it cannot be guessed: restore it"
          + " from a backup, or remove the peer's state directory and let the peer catch up as a new one", e);
    }
    return a;
  }

  /** Phase 1: promise {@code ballot} if it is above every ballot promised in {@code round}. */
  public synchronized Promise prepare(long round, Ballot ballot) throws IOException {
    if (!moveTo(round)) {
      return new Promise(false, Ballot.NONE, Optional.empty(), "round " + round + " is over here");
    }
    if (ballot.compareTo(promised) <= 0) {
      return new Promise(false, promised, accepted, "ballot " + ballot + " is not above the promised " + promised);
    }
    promised = ballot;
    save();
    return new Promise(true, promised, accepted, "");
  }

  /**
   * Phase 2: accepts {@code entry} under {@code ballot} unless a higher ballot was promised in
   * {@code round}; returns why not, or empty when accepted.
   */
  public synchronized Optional<String> accept(long round, Ballot ballot, byte[] entry) throws IOException {
    if (!moveTo(round)) {
      return Optional.of("round " + round + " is over here");
    }
    if (ballot.compareTo(promised) < 0) {
      return Optional.of("ballot " + ballot + " is below the promised " + promised);
    }
    promised = ballot;
    accepted = Optional.of(new Promise.Accepted(ballot, entry.clone()));
    save();
    return Optional.empty();
  }

  /** The highest ballot promised in {@code round}. */
  public synchronized Ballot promised(long round) {
    return round == this.round ? promised : Ballot.NONE;
  }

  /** Moves on to round {@code r} if it is later; false if it is earlier than the current one. */
  private boolean moveTo(long r) {
    if (r < round) {
      return false;
    }
    if (r > round) {
      round = r;
      promised = Ballot.NONE;
      accepted = Optional.empty();
    }
    return true;
  }

  private void save() throws IOException {
    String text = round + "\n" + promised.number() + "\n" + promised.proposer() + "\n"
        + accepted.map(a -> a.ballot().number() + "\n" + a.ballot().proposer() + "\n"
            + Base64.getEncoder().encodeToString(a.entry())).orElse("\n\n");
    AtomicFile.write(file, text.getBytes(StandardCharsets.UTF_8));
  }
}
