package dev.shoal.round;

import dev.shoal.round.RemoteClients.Journal;
import dev.shoal.round.RemoteClients.NodeView;
import dev.shoal.round.RemoteClients.Outcome;
import dev.shoal.round.RemoteClients.Receipt;
import dev.shoal.round.RemoteClients.Work;
import dev.shoal.strategy.FitReply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A node in another process as {@link RemoteClients} keeps it: when it was last heard from,
 * whether it is online, how many rounds it contributed to, and its work, by {@link WorkKey}:
 * queued until the node polls, taken and not yet answered, answered, or given up on by the round.
 * What happens to the node and its work is told to the {@link Journal}. Not thread-safe: touched
 * only while holding the lock of its {@link RemoteClients}.
 */
final class RemoteNode {

  final String name;
  Instant lastSeen;
  boolean online = true;
  int roundsContributed;
  private final Clock clock;
  private final Journal journal;
  private final ArrayDeque<PendingWork> queue = new ArrayDeque<>();
  private final Map<String, PendingWork> outstanding = new TreeMap<>();
  private final Set<String> answered = new HashSet<>();
  private final Set<String> expired = new HashSet<>();

  RemoteNode(String name, Clock clock, Journal journal) {
    this.name = name;
    this.lastSeen = clock.instant();
    this.clock = clock;
    this.journal = journal;
  }

  NodeView view() {
    return new NodeView(name, online, lastSeen, roundsContributed);
  }

  /** The node was heard from: a heartbeat, a poll or a result. An offline node is online again. */
  void seen() {
    lastSeen = clock.instant();
    if (online) {
      journal.seen(name, lastSeen);
    } else {
      online = true;
      journal.online(name, lastSeen);
    }
  }

  /** Tells the journal what became of the node's work {@code key}, or of a result for it. */
  private void outcome(String key, Outcome outcome, String reason) {
    journal.outcome(name, WorkKey.kind(key), WorkKey.round(key), outcome, reason, clock.instant());
  }

  /**
   * The engine gives the node work, queued until the node polls for it.
   *
   * @throws IllegalStateException if the node is offline
   */
  void instruct(PendingWork p) {
    journal.instructed(name, p.work(), clock.instant());
    if (!online) {
      outcome(p.key(), Outcome.OFFLINE, "node '" + name + "' is offline");
      throw new IllegalStateException("node '" + name + "' is offline");
    }
    queue.add(p);
  }

  /** The next queued work, now taken by the node; null when none is queued. */
  PendingWork take() {
    PendingWork p = queue.poll();
    if (p != null) {
      outstanding.put(p.key(), p);
    }
    return p;
  }

  /**
   * Puts the work the node took but did not answer back at the front of its queue, in the same
   * order; the keys of what went back.
   */
  List<String> handBack() {
    if (outstanding.isEmpty()) {
      return List.of();
    }
    List<PendingWork> back = new ArrayList<>(outstanding.values());
    outstanding.clear();
    for (int i = back.size() - 1; i >= 0; i--) {
      queue.addFirst(back.get(i));
    }
    return back.stream().map(PendingWork::key).toList();
  }

  /**
   * Why {@code reply} contradicts the fit of {@code round} the node took, if it does: it holds its
   * update exactly when the fit asked for secure aggregation.
   */
  Optional<String> contradiction(int round, FitReply reply) {
    if (outstanding.get(WorkKey.fit(round)) instanceof PendingWork p && p.work() instanceof Work.Fit f) {
      boolean secure = f.instruction().outbound().secureAggregation();
      boolean held = reply.parameters() == null;
      if (secure != held) {
        return Optional.of(secure
            ? "node '%s' sent its update for round %d in the clear, but the round asked for secure aggregation"
                .formatted(name, round)
            : "node '%s' sent no update for round %d, but the round did not ask for secure aggregation"
                .formatted(name, round));
      }
    }
    return Optional.empty();
  }

  /**
   * The node's answer to its work {@code key}, which completes it; a fit's counts as a round
   * contributed. A result that answers no work the node holds is told to the journal and not
   * accepted.
   */
  Receipt accept(String key, Object answer) {
    PendingWork p = outstanding.remove(key);
    if (p == null) {
      Receipt r = receiptWithout(key);
      outcome(key, Outcome.valueOf(r.name()), null); // DUPLICATE, LATE or NOT_INSTRUCTED
      return r;
    }
    answered.add(key);
    if (answer instanceof FitReply) {
      roundsContributed++;
    }
    outcome(key, Outcome.ACCEPTED, null);
    p.answer().complete(answer);
    return Receipt.ACCEPTED;
  }

  /** The node could not do its work {@code key}: the work fails with {@code reason}. */
  Receipt fail(String key, String reason) {
    PendingWork p = outstanding.remove(key);
    if (p == null) {
      return receiptWithout(key);
    }
    answered.add(p.key());
    outcome(key, Outcome.FAILED, reason);
    p.answer().completeExceptionally(new IllegalStateException(reason));
    return Receipt.ACCEPTED;
  }

  private Receipt receiptWithout(String key) {
    if (answered.contains(key)) {
      return Receipt.DUPLICATE;
    }
    return expired.contains(key) ? Receipt.LATE : Receipt.NOT_INSTRUCTED;
  }

  /** The node was found silent: it is offline, and its unanswered work fails with {@code reason}. */
  void offline(String reason) {
    online = false;
    journal.offline(name, lastSeen);
    queue.forEach(p -> outcome(p.key(), Outcome.OFFLINE, reason));
    outstanding.values().forEach(p -> outcome(p.key(), Outcome.OFFLINE, reason));
    queue.forEach(p -> p.answer().completeExceptionally(new IllegalStateException(reason)));
    outstanding.values().forEach(p -> p.answer().completeExceptionally(new IllegalStateException(reason)));
    queue.clear();
    outstanding.clear();
  }

  /** The round gave up on {@code p} (deadline): a late answer is no longer expected. */
  void expire(PendingWork p) {
    boolean waiting = queue.remove(p) | outstanding.remove(p.key(), p);
    expired.add(p.key());
    if (waiting) {
      outcome(p.key(), Outcome.TIMED_OUT, "no answer before the round's deadline");
    }
  }

  /**
   * How long the engine will still wait for the node's answer to {@code work}, as of now; empty
   * when the engine did not say or the node did not take the work.
   */
  Optional<Duration> timeLeft(Work work) {
    PendingWork p = outstanding.get(WorkKey.of(work));
    if (p == null || p.work() != work || p.deadline() == null) {
      return Optional.empty();
    }
    Duration left = Duration.between(clock.instant(), p.deadline());
    return Optional.of(left.isNegative() ? Duration.ZERO : left);
  }

  /** Whether the node took a fit or a stage of secure aggregation and did not answer it yet. */
  boolean holdsUploadableWork() {
    return outstanding.values().stream()
        .anyMatch(p -> p.work() instanceof Work.Fit || p.work() instanceof Work.SecAgg);
  }
}
