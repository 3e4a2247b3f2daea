package dev.shoal.round;

import dev.shoal.log.RepeatedWarnings;
import dev.shoal.strategy.EvaluateReply;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  private final RepeatedWarnings rejections = new RepeatedWarnings(log, Duration.ofSeconds(10));
  private final Duration livenessTimeout;
  private final Journal journal;
  private final NodeRoster nodes;
  private final TrafficCounter traffic = new TrafficCounter();
  private volatile boolean finished;
  private volatile Duration answersWithin;
  private final Map<String, dev.shoal.federation.Resources> resources = new java.util.concurrent.ConcurrentHashMap<>();

  public RemoteClients(Clock clock, Duration livenessTimeout) {
    this(clock, livenessTimeout, Journal.NONE);
  }

  public RemoteClients(Clock clock, Duration livenessTimeout, Journal journal) {
    this.clock = clock;
    this.livenessTimeout = livenessTimeout;
    this.journal = journal;
    this.nodes = new NodeRoster(clock, journal);
  }

  /**
   * A node says hello (again, after a reconnect); it is online from now on. Work it had taken but
   * not answered goes back to the front of its queue, so a node that lost its connection (or
   * restarted) mid-round is handed the same work again on its next poll; registering twice hands
   * it back once.
   */
  public synchronized void register(String name) {
    RemoteNode n = nodes.join(name);
    n.lastSeen = clock.instant();
    if (!n.online) {
      log.info("node back online node={}", name);
    }
    n.online = true;
    List<String> back = n.handBack();
    if (!back.isEmpty()) {
      log.info("work handed back node={} work={}", name, back);
    }
    journal.online(name, n.lastSeen);
    notifyAll();
  }

  /** The run is over: from now on every poll answers {@link Work.Stop}. */
  public void finish() {
    finished = true;
  }

  /** Records that {@code name} is alive; unknown nodes must register first. */
  public synchronized void heartbeat(String name) {
    nodes.get(name).seen();
  }

  /** The next piece of work for {@code name}, if any; counts as a heartbeat. */
  public synchronized Optional<Work> poll(String name) {
    heartbeat(name);
    if (finished) {
      return Optional.of(new Work.Stop());
    }
    PendingWork p = nodes.get(name).take();
    return p == null ? Optional.empty() : Optional.of(p.work());
  }

  /**
   * A node's training result for {@code round}; a retried submission is counted once. The reply
   * carries no parameters exactly when the node's instruction asked for secure aggregation (the
   * node holds its update); a reply that contradicts its instruction is {@link Receipt#REJECTED}
   * and the fit fails.
   */
  public synchronized Receipt submitFit(String name, int round, FitReply reply) {
    String key = WorkKey.fit(round);
    RemoteNode n = nodes.get(name);
    Optional<String> reason = n.contradiction(round, reply);
    if (reason.isPresent()) {
      log.warn("result rejected node={} work={} reason=\"{}\"", name, key, reason.get());
      n.seen();
      n.fail(key, reason.get());
      return Receipt.REJECTED;
    }
    return submit(name, key, reply);
  }

  /** A node's reply to the secure-aggregation stage {@code stage} of {@code round}. */
  public synchronized Receipt submitSecAgg(String name, int round, String stage, byte[] reply) {
    return submit(name, WorkKey.secagg(round, stage), reply);
  }

  /** A node reports that it could not answer the secure-aggregation stage {@code stage} of {@code round}. */
  public synchronized Receipt failSecAgg(String name, int round, String stage, String reason) {
    return nodes.get(name).fail(WorkKey.secagg(round, stage), reason);
  }

  /** A node's evaluation of the global model of {@code round}. */
  public synchronized Receipt submitEvaluation(String name, int round, Evaluation evaluation) {
    return submit(name, WorkKey.evaluate(round), new EvaluateReply(name, evaluation));
  }

  /** A node reports that it could not train in {@code round}; the engine records the reason. */
  public synchronized Receipt failFit(String name, int round, String reason) {
    return nodes.get(name).fail(WorkKey.fit(round), reason);
  }

  /** A node reports that it could not evaluate in {@code round}. */
  public synchronized Receipt failEvaluation(String name, int round, String reason) {
    return nodes.get(name).fail(WorkKey.evaluate(round), reason);
  }

  private Receipt submit(String name, String key, Object answer) {
    RemoteNode n = nodes.get(name);
    n.seen();
    Receipt r = n.accept(key, answer);
    if (r != Receipt.ACCEPTED) {
      String reason = switch (r) {
        case DUPLICATE -> "duplicate";
        case LATE -> "after_deadline";
        default -> "not_instructed";
      };
      rejections.warn(reason, "result rejected node={} work={} reason={}", name, key, reason);
    }
    return r;
  }

  /** Marks nodes offline that have not been heard from within the liveness timeout. */
  public synchronized List<String> sweep() {
    Instant cutoff = clock.instant().minus(livenessTimeout);
    List<String> lost = new ArrayList<>();
    for (RemoteNode n : nodes.silentSince(cutoff)) {
      lost.add(n.name);
      log.warn("node offline node={} last_seen={}", n.name, n.lastSeen);
      n.offline("node went offline (no heartbeat for %ds)".formatted(livenessTimeout.toSeconds()));
    }
    return lost;
  }

  /** Records what a node says it runs with (engine threads, memory limit) when it registers. */
  public void describe(String name, dev.shoal.federation.Resources resources) {
    this.resources.put(name, resources);
  }

  /** Each node's resources as it last told them; nodes that did not are absent. */
  public Map<String, dev.shoal.federation.Resources> resources() {
    return Map.copyOf(resources);
  }

  public synchronized List<NodeView> nodes() {
    return nodes.views();
  }

  /** Counts bytes the transport moved, for the round metrics. */
  public void recordTraffic(long bytesDown, long bytesUp) {
    traffic.record(bytesDown, bytesUp);
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
    return nodes.online();
  }

  @Override
  public void answersWithin(Duration timeout) {
    this.answersWithin = timeout;
  }

  /**
   * How long the engine will still wait for the node's answer to {@code work}, as of now; empty
   * when the engine did not say or the work is not the node's.
   */
  public synchronized Optional<Duration> timeLeft(String name, Work work) {
    return nodes.find(name).flatMap(n -> n.timeLeft(work));
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
    PendingWork p = PendingWork.of(work, clock, answersWithin);
    synchronized (this) {
      nodes.get(name).instruct(p);
    }
    try {
      return p.await();
    } catch (InterruptedException e) {
      withdraw(name, p);
      throw e;
    }
  }

  /** The round gave up on this work (deadline): a late answer is no longer expected. */
  private synchronized void withdraw(String name, PendingWork p) {
    nodes.find(name).ifPresent(n -> n.expire(p));
  }

  /**
   * Whether {@code name} holds work it may upload a blob for: a fit (its update; one sent in the
   * clear for a secure fit is then rejected and deleted), or a stage of secure aggregation. An
   * unknown node holds none.
   */
  public synchronized boolean awaitsUpload(String name) {
    return nodes.find(name).map(RemoteNode::holdsUploadableWork).orElse(false);
  }

  @Override
  public Traffic traffic() {
    return traffic.total();
  }
}
