package dev.shoal.node;

import dev.shoal.data.FederatedData;
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
 * again; it only ever dials out.
 */
public final class NodeAgent implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);

  /** How often to poll and heartbeat, and how to back off after failures. */
  public record Timing(Duration pollInterval, Duration heartbeatInterval, Duration backoffInitial, Duration backoffMax) {}

  private final String name;
  private final CoordinatorLink link;
  private final Function<ParameterSet, Trainer> trainerFor;
  private final FederatedData data;
  private final Timing timing;
  private volatile String refusal;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Backoff backoff;

  /**
   * @param trainerFor picks the trainer for a global model (e.g. by its {@code model} metadata)
   */
  public NodeAgent(String name, CoordinatorLink link, Function<ParameterSet, Trainer> trainerFor, FederatedData data,
      Timing timing, long seed) {
    this.name = name;
    this.link = link;
    this.trainerFor = trainerFor;
    this.data = data;
    this.timing = timing;
    this.backoff = new Backoff(timing.backoffInitial(), timing.backoffMax(), new SplittableRandom(seed));
  }

  /** Why the coordinator refused this node, if it did; the loop has stopped then. */
  public java.util.Optional<String> refusal() {
    return java.util.Optional.ofNullable(refusal);
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
          workLoop();
        } catch (RefusedException e) {
          refusal = e.getMessage();
          log.error("coordinator refused this node, stopping node={} reason=\"{}\"", name, e.getMessage());
          stop();
        } catch (IOException e) {
          Duration wait = backoff.next();
          log.warn("coordinator unreachable node={} retry_in_ms={} reason=\"{}\"", name, wait.toMillis(), e.getMessage());
          sleep(wait);
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
        sleep(timing.pollInterval());
        continue;
      }
      carryOut(next.get());
    }
  }

  private void carryOut(Assignment a) throws IOException {
    if (a.kind() == Assignment.Kind.STOP) {
      log.info("run finished, stopping node={}", name);
      stop();
      return;
    }
    ParameterSet global = link.model(a.baseModel());
    try {
      Trainer trainer = trainerFor.apply(global);
      switch (a.kind()) {
        case FIT -> {
          FitOutcome out = trainer.fit(global, data.train(), a.config());
          String verdict = link.submitFit(name, a.round(), out.parameters(), out.numExamples(), out.metrics());
          log.info("update submitted node={} round={} examples={} verdict={}", name, a.round(), out.numExamples(), verdict);
        }
        case EVALUATE -> link.submitEvaluation(name, a.round(), trainer.evaluate(global, data.test()));
        case STOP -> throw new IllegalStateException("handled above");
      }
    } catch (RuntimeException e) {
      log.warn("assignment failed node={} round={} kind={} reason=\"{}\"", name, a.round(), a.kind(), e.getMessage());
      link.fail(name, a, String.valueOf(e.getMessage()));
    }
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
      if (!sleep(timing.heartbeatInterval())) {
        return;
      }
    }
  }

  private static boolean sleep(Duration d) {
    try {
      Thread.sleep(d);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
