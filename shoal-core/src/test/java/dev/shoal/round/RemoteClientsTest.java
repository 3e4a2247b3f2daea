package dev.shoal.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RemoteClientsTest {

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static ParameterSet params(float v) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[] {v, v})));
  }

  final ManualClock clock = new ManualClock();
  final RemoteClients port = new RemoteClients(clock, Duration.ofSeconds(30));

  /** A node loop as a real node runs it: poll, train (here: answer its value), submit. */
  Thread node(String name, float value, int examples) {
    port.register(name);
    return Thread.ofVirtual().start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        var work = port.poll(name);
        if (work.isPresent() && work.get() instanceof RemoteClients.Work.Fit fit) {
          port.submitFit(name, fit.round(), new FitReply(name, params(value), examples, Map.of("train_loss", 1.0)));
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  @Test
  void theEngineDrivesNodesThatOnlyDialOut() {
    List<Thread> nodes = List.of(node("a", 1, 100), node("b", 4, 300));
    var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 2, 0.0), port,
        new RunConfig(2, 2, Duration.ofSeconds(20), 1), Optional.empty(), e -> { });
    ParameterSet result = engine.run(params(0));
    nodes.forEach(Thread::interrupt);
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(3.25f, 3.25f);
    assertThat(port.nodes()).extracting(RemoteClients.NodeView::roundsContributed).containsExactly(2, 2);
  }

  @Test
  void resultsAreCountedOnceAndOnlyFromInstructedNodes() throws Exception {
    port.register("a");
    var fit = new FitInstruction("a", 1, params(0), new FitConfig(1, 10, 0.1, 1));
    CompletableFuture<FitReply> answer = CompletableFuture.supplyAsync(() -> {
      try {
        return port.fit(fit);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(port.submitFit("a", 1, new FitReply("a", params(1), 1, Map.of())))
        .isEqualTo(RemoteClients.Receipt.NOT_INSTRUCTED);
    Optional<RemoteClients.Work> work = Optional.empty();
    while (work.isEmpty()) {
      work = port.poll("a");
    }
    var reply = new FitReply("a", params(1), 10, Map.of());
    assertThat(port.submitFit("a", 1, reply)).isEqualTo(RemoteClients.Receipt.ACCEPTED);
    assertThat(port.submitFit("a", 1, reply)).isEqualTo(RemoteClients.Receipt.DUPLICATE);
    assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo(reply);
    assertThatThrownBy(() -> port.poll("stranger")).hasMessage("unknown node 'stranger'; it must register first");
  }

  @Test
  void aSilentNodeGoesOfflineAndItsWorkFails() throws Exception {
    port.register("quiet");
    var fit = new FitInstruction("quiet", 1, params(0), new FitConfig(1, 10, 0.1, 1));
    CompletableFuture<String> outcome = CompletableFuture.supplyAsync(() -> {
      try {
        port.fit(fit);
        return "answered";
      } catch (Exception e) {
        return e.getMessage();
      }
    });
    while (port.poll("quiet").isEmpty()) { // the node takes the work, then falls silent
      Thread.onSpinWait();
    }
    clock.now = clock.now.plusSeconds(31);
    assertThat(port.sweep()).containsExactly("quiet");
    assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo("node went offline (no heartbeat for 30s)");
    assertThat(port.available()).isEmpty();
    port.register("quiet");
    assertThat(port.available()).containsExactly("quiet");
  }

  @Test
  void aResultAfterTheDeadlineIsLate() {
    node("a", 1, 10);
    port.register("slow");
    var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 0.0), port,
        new RunConfig(1, 1, Duration.ofMillis(300), 1), Optional.empty(), e -> { });
    List<RemoteClients.Work> taken = new ArrayList<>();
    Thread slow = Thread.ofVirtual().start(() -> {
      while (taken.isEmpty()) {
        port.poll("slow").ifPresent(taken::add);
      }
    });
    ParameterSet result = engine.run(params(0));
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(1f, 1f);
    slow.interrupt();
    assertThat(port.submitFit("slow", 1, new FitReply("slow", params(9), 10, Map.of())))
        .isEqualTo(RemoteClients.Receipt.LATE);
  }

  @Test
  void aNodeThatRegistersAgainMidRoundGetsItsWorkBackOnce() throws Exception {
    port.register("a");
    port.answersWithin(Duration.ofSeconds(60));
    var fit = new FitInstruction("a", 1, params(0), new FitConfig(1, 10, 0.1, 1));
    CompletableFuture<FitReply> answer = CompletableFuture.supplyAsync(() -> {
      try {
        return port.fit(fit);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Optional<RemoteClients.Work> taken = Optional.empty();
    while (taken.isEmpty()) {
      taken = port.poll("a");
    }
    clock.now = clock.now.plusSeconds(20);
    assertThat(port.timeLeft("a", taken.get())).contains(Duration.ofSeconds(40));
    // the node lost its connection (or restarted) with the work in hand, and says hello twice
    assertThat(port.poll("a")).isEmpty();
    port.register("a");
    port.register("a");
    Optional<RemoteClients.Work> again = port.poll("a");
    assertThat(again).containsSame(taken.get());
    assertThat(port.timeLeft("a", again.get())).contains(Duration.ofSeconds(40));
    assertThat(port.poll("a")).isEmpty();
    var reply = new FitReply("a", params(1), 10, Map.of());
    assertThat(port.submitFit("a", 1, reply)).isEqualTo(RemoteClients.Receipt.ACCEPTED);
    assertThat(port.submitFit("a", 1, reply)).isEqualTo(RemoteClients.Receipt.DUPLICATE);
    assertThat(answer.get(5, TimeUnit.SECONDS)).isSameAs(reply);
  }

  @Test
  void aRoundEndsOnceEverySampledNodeAnsweredOrWasLost() {
    node("a", 1, 10);
    port.register("lost");
    List<RemoteClients.Work> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread lost = Thread.ofVirtual().start(() -> {
      while (taken.isEmpty()) {
        port.poll("lost").ifPresent(taken::add);
      }
      // then silent, once the other node has answered: the liveness sweep declares it lost
      while (port.nodes().stream().noneMatch(n -> n.name().equals("a") && n.roundsContributed() == 1)) {
        Thread.onSpinWait();
      }
      while (!Thread.currentThread().isInterrupted()) {
        clock.now = clock.now.plusSeconds(31);
        port.sweep();
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    List<RoundMetrics> rounds = new ArrayList<>();
    // a deadline no test waits for: the round must end because every node is accounted for
    var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 0.0), port,
        new RunConfig(1, 1, Duration.ofDays(1), 1), Optional.empty(), e -> {
          if (e instanceof RunEvent.RoundFinished f) {
            rounds.add(f.metrics());
          }
        });
    ParameterSet result = engine.run(params(0));
    lost.interrupt();
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(1f, 1f);
    assertThat(rounds).singleElement().satisfies(m -> assertThat(m.failures()).isEqualTo(1));
  }
}
