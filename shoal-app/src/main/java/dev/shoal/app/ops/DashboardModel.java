package dev.shoal.app.ops;

import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunEvent;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dashboard remembers of a run from its events: the phase, the current round and when it
 * started, one point per finished round (for the curves), and the latest rejections. Every method
 * is short and takes one lock, so the engine and the clients' journal are never held up.
 */
final class DashboardModel {

  /** Rejections kept for the page. */
  static final int REJECTIONS = 50;
  /** Round points kept for the curves; older ones are dropped first. */
  static final int ROUNDS = 10_000;

  /** One finished round; losses and accuracy are null when not measured. */
  record Point(int round, int clients, int failures, boolean aggregated, Double trainLoss, Double testLoss,
      Double testAccuracy, double seconds, String modelId, long finishedAt) {}

  /**
   * A result or piece of work that was not accepted, or an update the engine refused.
   *
   * @param seq increases by one per rejection, so a reader can tell which ones it has seen
   * @param kind FIT, EVALUATE or SECAGG for the clients' journal; ENGINE for the round engine
   * @param outcome DUPLICATE, LATE, NOT_INSTRUCTED, FAILED, TIMED_OUT or OFFLINE from the journal;
   *     CLIENT_FAILED when the engine dropped a client's reply: it failed, timed out or did not pass validation
   */
  record Rejection(long seq, long at, String node, int round, String kind, String outcome, String reason) {}

  /** The round in progress. */
  record Progress(String phase, String strategy, int currentRound, int totalRounds, Long roundStartedAt, int sampled,
      String stopReason) {}

  private final int totalRounds;
  private String phase = "starting";
  private String strategy = "";
  private int currentRound;
  private Long roundStartedAt;
  private int sampled;
  private String stopReason;
  private final ArrayDeque<Point> rounds = new ArrayDeque<>();
  private final ArrayDeque<Rejection> rejections = new ArrayDeque<>();
  private long rejectionSeq;

  DashboardModel(int totalRounds) {
    this.totalRounds = totalRounds;
  }

  /** Takes in one engine event; returns false for events that change nothing shown. */
  synchronized boolean on(RunEvent event, Instant now) {
    switch (event) {
      case RunEvent.RunStarted s -> {
        phase = "running";
        strategy = s.strategy();
      }
      case RunEvent.RoundStarted s -> {
        phase = "running";
        currentRound = s.round();
        roundStartedAt = now.toEpochMilli();
        sampled = s.sampled().size();
      }
      case RunEvent.RoundFinished f -> {
        RoundMetrics m = f.metrics();
        while (!rounds.isEmpty() && rounds.peekLast().round() >= m.round()) {
          rounds.removeLast(); // a round run again replaces the old point
        }
        rounds.addLast(new Point(m.round(), m.clients(), m.failures(), m.aggregated(), finite(m.trainLoss()),
            finite(m.testLoss()), finite(m.testAccuracy()), m.seconds(), m.modelId(), now.toEpochMilli()));
        while (rounds.size() > ROUNDS) {
          rounds.removeFirst();
        }
        roundStartedAt = null;
      }
      case RunEvent.ClientFailed c -> reject(now, c.clientId(), c.round(), "ENGINE", "CLIENT_FAILED", c.reason());
      case RunEvent.RunStopped s -> {
        phase = "stopped";
        stopReason = s.reason();
      }
      case RunEvent.RunFinished f -> {
        phase = "finished";
        roundStartedAt = null;
      }
    }
    return true;
  }

  /** A node's work or result that the clients' journal did not accept. */
  synchronized void outcome(String node, RemoteClients.Kind kind, int round, RemoteClients.Outcome outcome, String reason,
      Instant at) {
    if (outcome != RemoteClients.Outcome.ACCEPTED) {
      reject(at, node, round, kind.name(), outcome.name(), reason);
    }
  }

  private void reject(Instant at, String node, int round, String kind, String outcome, String reason) {
    rejections.addLast(new Rejection(++rejectionSeq, at.toEpochMilli(), node, round, kind, outcome,
        reason == null ? "" : reason));
    while (rejections.size() > REJECTIONS) {
      rejections.removeFirst();
    }
  }

  synchronized Progress progress() {
    return new Progress(phase, strategy, currentRound, totalRounds, roundStartedAt, sampled, stopReason);
  }

  /** Every kept round point, oldest first. */
  synchronized List<Point> rounds() {
    return new ArrayList<>(rounds);
  }

  /** The kept round points after round {@code round}. */
  synchronized List<Point> roundsAfter(int round) {
    return rounds.stream().filter(p -> p.round() > round).toList();
  }

  /** The kept rejections, oldest first. */
  synchronized List<Rejection> rejections() {
    return new ArrayList<>(rejections);
  }

  /** The kept rejections after {@code seq}. */
  synchronized List<Rejection> rejectionsAfter(long seq) {
    return rejections.stream().filter(r -> r.seq() > seq).toList();
  }

  private static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }
}
