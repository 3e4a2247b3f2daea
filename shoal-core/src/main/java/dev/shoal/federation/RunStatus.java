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
 */
public record RunStatus(String run, int currentRound, int totalRounds, int completedRounds, String state,
    List<NodeStatus> nodes) {

  public RunStatus {
    nodes = List.copyOf(nodes);
  }
}
