package dev.shoal.node;

import dev.shoal.data.FederatedData;
import dev.shoal.federation.LedgerWitness;
import dev.shoal.federation.Waits;
import dev.shoal.secagg.SecureAggregation;
import dev.shoal.strategy.ScaffoldClient;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's main loop: register, then poll for assignments and carry them out with the local
 * trainer and data, heartbeating on a separate thread so long training does not look like a
 * dead node. When the link fails the agent backs off (exponential, with jitter) and registers
 * again; it only ever dials out. With a {@link SecureAggregation} the agent also takes part in
 * secure aggregation: a fit that asks for it hands the trained update to the hook, which keeps
 * it, and reports only the example count; the stages that follow are answered by the hook. A
 * coordinator that puts a result off (busy, or restarting) is not a lost link: the finished work is
 * kept and delivered again with {@link Patience} until the assignment's deadline.
 */
public final class NodeAgent implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);

  /** Why a node without a {@link SecureAggregation} fails secure work. */
  public static final String NO_SECURE_AGGREGATION = "this node has no secure aggregation";

  /** How often to poll and heartbeat, and how to back off after failures. */
  public record Timing(Duration pollInterval, Duration heartbeatInterval, Duration backoffInitial, Duration backoffMax) {}

  private final String name;
  private final CoordinatorLink link;
  private final Function<ParameterSet, Trainer> trainerFor;
  private final FederatedData data;
  private final Timing timing;
  private final SecureAggregation secure;
  private LedgerWitness witness;
  private volatile String refusal;
  private volatile String inconsistency;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Backoff backoff;
  private final Patience patience;
  private boolean busyTold;
  private ScaffoldClient.ControlStore controls = ScaffoldClient.inMemory();
  private String noSecureAggregation = NO_SECURE_AGGREGATION;

  /**
   * @param trainerFor picks the trainer for a global model (e.g. by its {@code model} metadata)
   */
  public NodeAgent(String name, CoordinatorLink link, Function<ParameterSet, Trainer> trainerFor, FederatedData data,
      Timing timing, long seed) {
    this(name, link, trainerFor, data, timing, seed, null);
  }

  /**
   * @param trainerFor picks the trainer for a global model (e.g. by its {@code model} metadata)
   * @param data this site's data; null for a relay, whose trainer trains on its subtree's instead
   * @param secure this node's side of secure aggregation, or null: secure work then fails
   */
  public NodeAgent(String name, CoordinatorLink link, Function<ParameterSet, Trainer> trainerFor, FederatedData data,
      Timing timing, long seed, SecureAggregation secure) {
    this.name = name;
    this.secure = secure;
    this.link = link;
    this.trainerFor = trainerFor;
    this.data = data;
    this.timing = timing;
    this.backoff = new Backoff(timing.backoffInitial(), timing.backoffMax(), new SplittableRandom(seed));
    this.patience = new Patience(name, timing.backoffInitial(), timing.backoffMax(), new SplittableRandom(~seed))
        .whileTrue(running::get);
  }

  /**
   * Witnesses the coordinator's ledger: before each fit and at the run's end the agent checks the
   * coordinator's latest checkpoint with {@code witness} and cosigns it; an inconsistent log stops
   * the agent (see {@link #inconsistency()}).
   */
  public NodeAgent witnessing(LedgerWitness witness) {
    this.witness = witness;
    return this;
  }

  /** Fails secure work, which this agent has no hook for, with {@code reason} (a relay's, say). */
  public NodeAgent refusingSecureAggregation(String reason) {
    this.noSecureAggregation = reason;
    return this;
  }

  /** Keeps this node's SCAFFOLD control variate in {@code store} (in memory by default). */
  public NodeAgent keepingControls(ScaffoldClient.ControlStore store) {
    this.controls = store;
    return this;
  }

  /** Why the connection was refused (by the coordinator, or this node refused the server), if it was; the loop has stopped then. */
  public java.util.Optional<String> refusal() {
    return java.util.Optional.ofNullable(refusal);
  }

  /** Why this node found the coordinator's ledger inconsistent, if it did; the loop has stopped then. */
  public java.util.Optional<String> inconsistency() {
    return java.util.Optional.ofNullable(inconsistency);
  }

  /** Asks the loop to finish after the current step. */
  public void stop() {
    running.set(false);
  }

  @Override
  public void run() {
    Thread heartbeats = Thread.ofVirtual().name("heartbeat-" + name).start(this::heartbeatLoop);
    try {
      while (running.get() && !Thread.currentThread().isInterrupted()) {
        try {
          link.register(name);
          log.info("node registered node={}", name);
          backoff.reset();
          busyTold = false;
          workLoop();
        } catch (RefusedException | RejectedException e) {
          refusal = e.getMessage();
          log.error("connection refused, stopping node={} reason=\"{}\"", name, e.getMessage());
          stop();
        } catch (IOException e) {
          Duration wait = backoff.next();
          if (e instanceof TryLaterException later && later.why() == TryLaterException.Why.BUSY) {
            // up and answering, only not taking this call now: no failure, and said once per streak
            wait = later.retryAfter().filter(r -> r.compareTo(timing.backoffMax()) <= 0).orElse(wait);
            if (!busyTold) {
              log.info("coordinator busy, retrying node={} retry_in_ms={} reason=\"{}\"", name, wait.toMillis(),
                  e.getMessage());
              busyTold = true;
            }
          } else if (e instanceof TryLaterException later && later.why() == TryLaterException.Why.NO_ANSWER) {
            log.warn("coordinator did not answer in time node={} retry_in_ms={} reason=\"{}\"", name,
                wait.toMillis(), e.getMessage());
          } else {
            log.warn("coordinator unreachable node={} retry_in_ms={} reason=\"{}\"", name, wait.toMillis(),
                e.getMessage());
          }
          Waits.sleep(wait);
        }
      }
    } finally {
      heartbeats.interrupt();
    }
  }

  private void workLoop() throws IOException {
    while (running.get() && !Thread.currentThread().isInterrupted()) {
      Optional<Assignment> next = link.poll(name);
      if (next.isEmpty()) {
        Waits.sleep(timing.pollInterval());
        continue;
      }
      carryOut(next.get());
    }
  }

  /** Carries out {@code a}; work the coordinator rejects as invalid fails instead of being sent again. */
  private void carryOut(Assignment a) throws IOException {
    try {
      attempt(a);
    } catch (RejectedException e) {
      log.error("work rejected by the coordinator, not sent again node={} round={} kind={} reason=\"{}\"", name,
          a.round(), a.kind(), e.getMessage());
      try {
        failed(a, "rejected by the coordinator: " + e.getMessage());
      } catch (RejectedException again) {
        log.warn("failure report rejected too node={} round={} reason=\"{}\"", name, a.round(), again.getMessage());
      }
    }
  }

  private void attempt(Assignment a) throws IOException {
    if (a.kind() == Assignment.Kind.STOP) {
      witnessLedger();
      log.info("run finished, stopping node={}", name);
      stop();
      return;
    }
    if (a.deadline() != null && !a.deadline().isAfter(java.time.Instant.now())) {
      // handed back after a reconnect too late: the coordinator no longer waits for the answer
      log.info("work skipped, its deadline passed node={} round={} kind={}", name, a.round(), a.kind());
      return;
    }
    if (a.kind() == Assignment.Kind.SECAGG) {
      answer(a);
      return;
    }
    if (a.kind() == Assignment.Kind.FIT && a.outbound().secureAggregation() && secure == null) {
      failed(a, noSecureAggregation);
      return;
    }
    if (a.kind() == Assignment.Kind.FIT && !witnessLedger()) {
      return;
    }
    ParameterSet global = link.model(a.baseModel());
    try {
      Trainer trainer = trainerFor.apply(global);
      switch (a.kind()) {
        case FIT -> {
          a.config().settings().requireUnderstood(trainer.understoodSettings());
          FitOutcome out = ScaffoldClient.fit(trainer, global, data == null ? null : data.train(), a.config(),
              controls);
          String verdict;
          if (a.outbound().secureAggregation()) {
            secure.hold(name, a.round(), global, out.parameters(), out.numExamples(), a.outbound());
            verdict = patience.call("held update round=" + a.round(), a.deadline(),
                () -> link.submitHeldFit(name, a.round(), out.numExamples(), out.metrics()));
          } else {
            verdict = patience.call("update round=" + a.round(), a.deadline(),
                () -> link.submitFit(name, a.round(), out.parameters(), out.numExamples(), out.metrics()));
            if (witness != null) {
              witness.sent(a.round(), ContentId.of(out.parameters()).value());
            }
          }
          log.info("update submitted node={} round={} examples={} held={} verdict={}", name, a.round(),
              out.numExamples(), a.outbound().secureAggregation(), verdict);
        }
        case EVALUATE -> {
          var evaluation = trainer.evaluate(global, data == null ? null : data.test());
          patience.call("evaluation round=" + a.round(), a.deadline(),
              () -> link.submitEvaluation(name, a.round(), evaluation));
        }
        case SECAGG, STOP -> throw new IllegalStateException("handled above");
      }
    } catch (RuntimeException e) {
      failed(a, String.valueOf(e.getMessage()));
    }
  }

  /**
   * Checks and cosigns the coordinator's latest checkpoint, if it has grown since the last one;
   * false when the log is inconsistent, and the agent stops without doing more work.
   */
  private boolean witnessLedger() throws IOException {
    if (witness == null) {
      return true;
    }
    Optional<LedgerWitness.Offer> offer = link.checkpoint(name, witness.size());
    if (offer.isEmpty()) {
      return true;
    }
    LedgerWitness.Cosignature cosignature;
    try {
      cosignature = witness.witness(offer.get());
    } catch (LedgerWitness.Inconsistent e) {
      inconsistency = e.getMessage();
      log.error("the coordinator's ledger is inconsistent, stopping node={} reason=\"{}\"", name, e.getMessage());
      stop();
      return false;
    }
    String verdict = link.cosign(name, cosignature);
    log.info("ledger checkpoint cosigned node={} size={} verdict={}", name, cosignature.size(), verdict);
    return true;
  }

  /** Answers a stage of secure aggregation with the hook; a failing hook fails the stage. */
  private void answer(Assignment a) throws IOException {
    byte[] reply;
    try {
      if (secure == null) {
        throw new IllegalStateException(noSecureAggregation);
      }
      reply = secure.answer(a.round(), a.stage(), a.request());
      if (reply == null) {
        throw new IllegalStateException("secure aggregation gave no reply to stage " + a.stage());
      }
    } catch (Exception e) {
      failed(a, String.valueOf(e.getMessage()));
      return;
    }
    String verdict;
    byte[] answer = reply;
    try {
      verdict = patience.call("secure aggregation round=%d stage=%s".formatted(a.round(), a.stage()), a.deadline(),
          () -> link.submitSecAgg(name, a.round(), a.stage(), answer));
    } catch (RuntimeException e) {
      failed(a, String.valueOf(e.getMessage()));
      return;
    }
    log.info("secure aggregation answered node={} round={} stage={} bytes={} verdict={}", name, a.round(), a.stage(),
        reply.length, verdict);
  }

  private void failed(Assignment a, String reason) throws IOException {
    log.warn("assignment failed node={} round={} kind={} reason=\"{}\"", name, a.round(), a.kind(), reason);
    patience.call("failure round=" + a.round(), a.deadline(), () -> {
      link.fail(name, a, reason);
      return null;
    });
  }

  private void heartbeatLoop() {
    while (running.get() && !Thread.currentThread().isInterrupted()) {
      try {
        link.heartbeat(name);
      } catch (RefusedException e) {
        log.error("coordinator refused a heartbeat node={} reason=\"{}\"", name, e.getMessage());
        stop();
        return;
      } catch (IOException | RuntimeException e) {
        log.debug("heartbeat failed node={} reason=\"{}\"", name, e.getMessage());
      }
      if (!Waits.sleep(timing.heartbeatInterval())) {
        return;
      }
    }
  }
}
