package dev.shoal.federation;

import java.util.List;

/**
 * A coordinator's run as {@code shoal status} and the dashboard show it.
 *
 * @param run the run's name
 * @param currentRound the round in progress (the last one once the run is over)
 * @param totalRounds the rounds the run has
 * @param completedRounds the rounds completed, including those before a restart
 * @param state {@code waiting} (no node available), {@code running} or {@code completed}
 * @param nodes every node the run's store knows, online or not
 * @param plaintext whether the coordinator serves without TLS ({@code --insecure})
 */
public record RunStatus(String run, int currentRound, int totalRounds, int completedRounds, String state,
    List<NodeStatus> nodes, boolean plaintext) {

  public RunStatus {
    nodes = List.copyOf(nodes);
  }

  /** A status of a coordinator that serves over TLS. */
  public RunStatus(String run, int currentRound, int totalRounds, int completedRounds, String state,
      List<NodeStatus> nodes) {
    this(run, currentRound, totalRounds, completedRounds, state, nodes, false);
  }

  /** This status, with {@code plaintext} as given. */
  public RunStatus withPlaintext(boolean plaintext) {
    return new RunStatus(run, currentRound, totalRounds, completedRounds, state, nodes, plaintext);
  }
}
