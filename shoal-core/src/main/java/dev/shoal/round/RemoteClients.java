package dev.shoal.round;

import dev.shoal.strategy.EvaluateReply;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ClientPort} for nodes in other processes, independent of the transport. Nodes
 * only dial out: they {@link #register}, {@link #heartbeat}, {@link #poll} for work and hand
 * back results with {@link #submitFit}, {@link #submitEvaluation} or {@link #submitSecAgg}. The
 * engine's blocking {@link #fit} call (and {@link #evaluate}, {@link #secagg}) waits for that
 * result. A node silent for longer than the liveness timeout
 * is marked offline by {@link #sweep} and its pending work fails, so the round goes on. What
 * happens to nodes and their work is told to a {@link Journal}, for a durable record.
 */
public final class RemoteClients implements ClientPort {

  private static final Logger log = LoggerFactory.getLogger(RemoteClients.class);

  /** Work handed to a node by {@link #poll}. */
  public sealed interface Work {
    int round();

    record Fit(FitInstruction instruction) implements Work {
      @Override
      public int round() {
        return instruction.round();
      }
    }

    record Evaluate(int round, ParameterSet global) implements Work {}

    /**
     * One stage of secure aggregation: the node answers {@code request} (the protocol's encoded
     * message, opaque here) about the update it holds from {@code round}'s fit.
     */
    record SecAgg(int round, String stage, byte[] request) implements Work {
      public SecAgg {
        if (stage == null || stage.isBlank()) {
          throw new IllegalArgumentException("a secure-aggregation stage needs a name");
        }
        java.util.Objects.requireNonNull(request, "request");
      }
    }

    /** The run is over: the node may stop. */
    record Stop() implements Work {
      @Override
      public int round() {
        return 0;
      }
    }
  }

  /**
   * What became of a submitted result. {@code REJECTED}: the result contradicts its work (an update
   * sent in the clear for a fit that asked for secure aggregation, or none for a fit that did not);
   * the work fails.
   */
  public enum Receipt { ACCEPTED, DUPLICATE, LATE, NOT_INSTRUCTED, REJECTED }

  /** A node as the coordinator sees it. */
  public record NodeView(String name, boolean online, Instant lastSeen, int roundsContributed) {}

  /** Fit, evaluate, or a stage of secure aggregation. */
  public enum Kind { FIT, EVALUATE, SECAGG }

  /** What became of a piece of work, or of a result that answered none. */
  public enum Outcome {
    /** The result answered the work. */
    ACCEPTED,
    /** A result that was already accepted, again. */
    DUPLICATE,
    /** A result for work the round had stopped waiting for. */
    LATE,
    /** A result for work the node was never given. */
    NOT_INSTRUCTED,
    /** The node reported that it could not do the work. */
    FAILED,
    /** The round stopped waiting (its deadline passed). */
    TIMED_OUT,
    /** The node went offline before answering. */
    OFFLINE
  }

  /**
   * Told what happens to nodes and their work. Called with this object's lock held, so an
   * implementation must return at once: queue the event, write it elsewhere. Every method has an
   * empty default; {@link #NONE} records nothing.
   */
  public interface Journal {
    Journal NONE = new Journal() {};

    /** A node registered, or was heard from after being offline. */
    default void online(String node, Instant at) {}

    /** An online node was heard from: a heartbeat, a poll or a result. Frequent. */
    default void seen(String node, Instant at) {}

    /** A node was found silent; {@code lastSeen} is when it was last heard from. */
    default void offline(String node, Instant lastSeen) {}

    /**
     * The engine gave a node work (queued until the node polls for it); this includes the stages
     * of secure aggregation ({@link Work.SecAgg}, whose outcomes have {@link Kind#SECAGG}).
     */
    default void instructed(String node, Work work, Instant at) {}

    /**
     * What became of the node's work of {@code kind} in {@code round}, or of a result that answered
     * no work; {@code reason} says why work failed, timed out or went offline, and is null otherwise.
     */
    default void outcome(String node, Kind kind, int round, Outcome outcome, String reason, Instant at) {}
  }

  private final Clock clock;
  private final Duration livenessTimeout;
  private final Journal journal;
  private final Map<String, Node> nodes = new TreeMap<>();
  private final AtomicLong down = new AtomicLong();
  private final AtomicLong up = new AtomicLong();
  private volatile boolean finished;
  private final Map<String, dev.shoal.node.Resources> resources = new java.util.concurrent.ConcurrentHashMap<>();

  public RemoteClients(Clock clock, Duration livenessTimeout) {
    this(clock, livenessTimeout, Journal.NONE);
  }

  public RemoteClients(Clock clock, Duration livenessTimeout, Journal journal) {
    this.clock = clock;
    this.livenessTimeout = livenessTimeout;
    this.journal = journal;
  }

  private static final class Node {
    final String name;
    Instant lastSeen;
    boolean online = true;
    int roundsContributed;
    final ArrayDeque<Pending> queue = new ArrayDeque<>();
    final Map<String, Pending> outstanding = new TreeMap<>();
    final java.util.Set<String> answered = new java.util.HashSet<>();
    final java.util.Set<String> expired = new java.util.HashSet<>();

    Node(String name, Instant now) {
      this.name = name;
      this.lastSeen = now;
    }
  }

  /** One piece of work and the future its answer completes. */
  private record Pending(String key, Work work, CompletableFuture<Object> answer) {}

  private static String key(Work w) {
    return switch (w) {
      case Work.Fit f -> "fit/" + f.round();
      case Work.Evaluate e -> "evaluate/" + e.round();
      case Work.SecAgg s -> secaggKey(s.round(), s.stage());
      case Work.Stop s -> "stop/0";
    };
  }

  private static String secaggKey(int round, String stage) {
    return "secagg/" + round + "/" + stage;
  }

  private static Kind kind(String key) {
    return key.startsWith("fit/") ? Kind.FIT : key.startsWith("secagg/") ? Kind.SECAGG : Kind.EVALUATE;
  }

  private static int round(String key) {
    int from = key.indexOf('/') + 1;
    int to = key.indexOf('/', from);
    return Integer.parseInt(to < 0 ? key.substring(from) : key.substring(from, to));
  }

  private void outcome(String node, String key, Outcome outcome, String reason) {
    journal.outcome(node, kind(key), round(key), outcome, reason, clock.instant());
  }

  /** A node says hello (again, after a reconnect); it is online from now on. */
  public synchronized void register(String name) {
    Node n = nodes.computeIfAbsent(name, k -> new Node(k, clock.instant()));
    n.lastSeen = clock.instant();
    if (!n.online) {
      log.info("node back online node={}", name);
    }
    n.online = true;
    journal.online(name, n.lastSeen);
    notifyAll();
  }

  /** The run is over: from now on every poll answers {@link Work.Stop}. */
  public void finish() {
    finished = true;
  }

  /** Records that {@code name} is alive; unknown nodes must register first. */
  public synchronized void heartbeat(String name) {
    seen(node(name));
  }

  private void seen(Node n) {
    n.lastSeen = clock.instant();
    if (n.online) {
      journal.seen(n.name, n.lastSeen);
    } else {
      n.online = true;
      journal.online(n.name, n.lastSeen);
    }
  }

  /** The next piece of work for {@code name}, if any; counts as a heartbeat. */
  public synchronized Optional<Work> poll(String name) {
    heartbeat(name);
    if (finished) {
      return Optional.of(new Work.Stop());
    }
    Pending p = node(name).queue.poll();
    if (p == null) {
      return Optional.empty();
    }
    node(name).outstanding.put(p.key, p);
    return Optional.of(p.work);
  }

  /**
   * A node's training result for {@code round}; a retried submission is counted once. The reply
   * carries no parameters exactly when the node's instruction asked for secure aggregation (the
   * node holds its update); a reply that contradicts its instruction is {@link Receipt#REJECTED}
   * and the fit fails.
   */
  public synchronized Receipt submitFit(String name, int round, FitReply reply) {
    String key = "fit/" + round;
    Node n = node(name);
    if (n.outstanding.get(key) instanceof Pending p && p.work instanceof Work.Fit f) {
      boolean secure = f.instruction().outbound().secureAggregation();
      boolean held = reply.parameters() == null;
      if (secure != held) {
        String reason = secure
            ? "node '%s' sent its update for round %d in the clear, but the round asked for secure aggregation"
                .formatted(name, round)
            : "node '%s' sent no update for round %d, but the round did not ask for secure aggregation"
                .formatted(name, round);
        log.warn("result rejected node={} work={} reason=\"{}\"", name, key, reason);
        seen(n);
        fail(name, key, reason);
        return Receipt.REJECTED;
      }
    }
    return submit(name, key, reply);
  }

  /** A node's reply to the secure-aggregation stage {@code stage} of {@code round}. */
  public synchronized Receipt submitSecAgg(String name, int round, String stage, byte[] reply) {
    return submit(name, secaggKey(round, stage), reply);
  }

  /** A node reports that it could not answer the secure-aggregation stage {@code stage} of {@code round}. */
  public synchronized Receipt failSecAgg(String name, int round, String stage, String reason) {
    return fail(name, secaggKey(round, stage), reason);
  }

  /** A node's evaluation of the global model of {@code round}. */
  public synchronized Receipt submitEvaluation(String name, int round, Evaluation evaluation) {
    return submit(name, "evaluate/" + round, new EvaluateReply(name, evaluation));
  }

  /** A node reports that it could not train in {@code round}; the engine records the reason. */
  public synchronized Receipt failFit(String name, int round, String reason) {
    return fail(name, "fit/" + round, reason);
  }

  /** A node reports that it could not evaluate in {@code round}. */
  public synchronized Receipt failEvaluation(String name, int round, String reason) {
    return fail(name, "evaluate/" + round, reason);
  }

  private Receipt fail(String name, String key, String reason) {
    Node n = node(name);
    Pending p = n.outstanding.remove(key);
    if (p == null) {
      return receiptWithout(n, key);
    }
    n.answered.add(p.key);
    outcome(name, key, Outcome.FAILED, reason);
    p.answer.completeExceptionally(new IllegalStateException(reason));
    return Receipt.ACCEPTED;
  }

  private Receipt submit(String name, String key, Object answer) {
    Node n = node(name);
    seen(n);
    Pending p = n.outstanding.remove(key);
    if (p == null) {
      Receipt r = receiptWithout(n, key);
      outcome(name, key, Outcome.valueOf(r.name()), null); // DUPLICATE, LATE or NOT_INSTRUCTED
      log.warn("result rejected node={} work={} reason={}", name, key, switch (r) {
        case DUPLICATE -> "duplicate";
        case LATE -> "after_deadline";
        default -> "not_instructed";
      });
      return r;
    }
    n.answered.add(key);
    if (answer instanceof FitReply) {
      n.roundsContributed++;
    }
    outcome(name, key, Outcome.ACCEPTED, null);
    p.answer.complete(answer);
    return Receipt.ACCEPTED;
  }

  private static Receipt receiptWithout(Node n, String key) {
    if (n.answered.contains(key)) {
      return Receipt.DUPLICATE;
    }
    return n.expired.contains(key) ? Receipt.LATE : Receipt.NOT_INSTRUCTED;
  }

  /** Marks nodes offline that have not been heard from within the liveness timeout. */
  public synchronized List<String> sweep() {
    Instant cutoff = clock.instant().minus(livenessTimeout);
    List<String> lost = new ArrayList<>();
    for (Node n : nodes.values()) {
      if (n.online && n.lastSeen.isBefore(cutoff)) {
        n.online = false;
        lost.add(n.name);
        String reason = "node went offline (no heartbeat for %ds)".formatted(livenessTimeout.toSeconds());
        log.warn("node offline node={} last_seen={}", n.name, n.lastSeen);
        journal.offline(n.name, n.lastSeen);
        n.queue.forEach(p -> outcome(n.name, p.key, Outcome.OFFLINE, reason));
        n.outstanding.values().forEach(p -> outcome(n.name, p.key, Outcome.OFFLINE, reason));
        n.queue.forEach(p -> p.answer.completeExceptionally(new IllegalStateException(reason)));
        n.outstanding.values().forEach(p -> p.answer.completeExceptionally(new IllegalStateException(reason)));
        n.queue.clear();
        n.outstanding.clear();
      }
    }
    return lost;
  }

  /** Records what a node says it runs with (engine threads, memory limit) when it registers. */
  public void describe(String name, dev.shoal.node.Resources resources) {
    this.resources.put(name, resources);
  }

  /** Each node's resources as it last told them; nodes that did not are absent. */
  public Map<String, dev.shoal.node.Resources> resources() {
    return Map.copyOf(resources);
  }

  public synchronized List<NodeView> nodes() {
    return nodes.values().stream().map(n -> new NodeView(n.name, n.online, n.lastSeen, n.roundsContributed)).toList();
  }

  /** Counts bytes the transport moved, for the round metrics. */
  public void recordTraffic(long bytesDown, long bytesUp) {
    down.addAndGet(bytesDown);
    up.addAndGet(bytesUp);
  }

  /** Waits, logging every 10 seconds, until {@code count} nodes are online. */
  @Override
  public synchronized void awaitAvailable(int count) throws InterruptedException {
    long lastLog = 0;
    while (available().size() < count) {
      if (System.nanoTime() - lastLog > 10_000_000_000L) {
        log.info("waiting for nodes online={} needed={}", available().size(), count);
        lastLog = System.nanoTime();
      }
      wait(1000);
    }
  }

  @Override
  public synchronized List<String> available() {
    return nodes.values().stream().filter(n -> n.online).map(n -> n.name).toList();
  }

  @Override
  public FitReply fit(FitInstruction instruction) throws Exception {
    return (FitReply) await(instruction.clientId(), new Work.Fit(instruction));
  }

  @Override
  public EvaluateReply evaluate(String clientId, int round, ParameterSet global) throws Exception {
    return (EvaluateReply) await(clientId, new Work.Evaluate(round, global));
  }

  /**
   * Queues the stage for the node and waits for its reply, like {@link #fit}: fails when the node
   * goes offline or reports a failure, and gives up (the stage times out) when interrupted.
   */
  @Override
  public byte[] secagg(String clientId, int round, String stage, byte[] request) throws Exception {
    return (byte[]) await(clientId, new Work.SecAgg(round, stage, request));
  }

  private Object await(String name, Work work) throws Exception {
    Pending p = new Pending(key(work), work, new CompletableFuture<>());
    synchronized (this) {
      Node n = node(name);
      journal.instructed(name, work, clock.instant());
      if (!n.online) {
        outcome(name, p.key, Outcome.OFFLINE, "node '" + name + "' is offline");
        throw new IllegalStateException("node '" + name + "' is offline");
      }
      n.queue.add(p);
    }
    try {
      return p.answer.get();
    } catch (InterruptedException e) {
      withdraw(name, p);
      throw e;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  /** The round gave up on this work (deadline): a late answer is no longer expected. */
  private synchronized void withdraw(String name, Pending p) {
    Node n = nodes.get(name);
    if (n != null) {
      boolean waiting = n.queue.remove(p) | n.outstanding.remove(p.key, p);
      n.expired.add(p.key);
      if (waiting) {
        outcome(name, p.key, Outcome.TIMED_OUT, "no answer before the round's deadline");
      }
    }
  }

  /**
   * Whether {@code name} holds work it may upload a blob for: a fit (its update; one sent in the
   * clear for a secure fit is then rejected and deleted), or a stage of secure aggregation. An
   * unknown node holds none.
   */
  public synchronized boolean awaitsUpload(String name) {
    Node n = nodes.get(name);
    return n != null && n.outstanding.values().stream()
        .anyMatch(p -> p.work instanceof Work.Fit || p.work instanceof Work.SecAgg);
  }

  private Node node(String name) {
    Node n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("unknown node '" + name + "'; it must register first");
    }
    return n;
  }

  @Override
  public Traffic traffic() {
    return new Traffic(down.get(), up.get());
  }
}
