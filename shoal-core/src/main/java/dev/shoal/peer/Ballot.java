package dev.shoal.peer;

import java.util.Comparator;

/**
 * A Paxos ballot: a number, then the proposer's name to break ties, so that two proposers never
 * use the same ballot. {@link #NONE} is below every proposer's.
 */
public record Ballot(long number, String proposer) implements Comparable<Ballot> {

  public static final Ballot NONE = new Ballot(0, "");

  private static final Comparator<Ballot> ORDER = Comparator.comparingLong(Ballot::number)
      .thenComparing(Ballot::proposer);

  /** The next ballot of {@code proposer} above this one. */
  public Ballot next(String proposer) {
    return new Ballot(number + 1, proposer);
  }

  @Override
  public int compareTo(Ballot o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return number + "/" + proposer;
  }
}
