package dev.shoal.round;

import static dev.shoal.round.RemoteClientsTest.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Outbound;
import dev.shoal.train.FitConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Secure aggregation through the port: held fits and the stages that follow. */
class RemoteClientsSecAggTest {

  static final Outbound SECURE = new Outbound(true, 100, 0, 0);

  final RemoteClientsTest.ManualClock clock = new RemoteClientsTest.ManualClock();
  final List<String> events = new CopyOnWriteArrayList<>();
  final RemoteClients port = new RemoteClients(clock, Duration.ofSeconds(30), new RemoteClients.Journal() {
    @Override
    public void instructed(String node, RemoteClients.Work work, Instant at) {
      events.add("instructed " + node + " " + work.getClass().getSimpleName() + " " + work.round());
    }

    @Override
    public void outcome(String node, RemoteClients.Kind kind, int round, RemoteClients.Outcome outcome,
        String reason, Instant at) {
      events.add(node + " " + kind + " " + round + " " + outcome + (reason == null ? "" : ": " + reason));
    }
  });

  static FitInstruction fit(String node, Outbound outbound) {
    return new FitInstruction(node, 1, params(0), new FitConfig(1, 10, 0.1, 1), outbound);
  }

  /** Runs a blocking call of the port on another thread, as the engine does. */
  static <T> CompletableFuture<T> async(Callable<T> call) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        f.complete(call.call());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  RemoteClients.Work take(String node) {
    Optional<RemoteClients.Work> w = Optional.empty();
    while (w.isEmpty()) {
      Thread.onSpinWait();
      w = port.poll(node);
    }
    return w.get();
  }

  @Test
  void aSecureFitIsHeldAndTheStagesAreAnswered() throws Exception {
    port.register("a");
    var fit = async(() -> port.fit(fit("a", SECURE)));
    var work = (RemoteClients.Work.Fit) take("a");
    assertThat(work.instruction().outbound()).isEqualTo(SECURE);
    var held = new FitReply("a", null, 42, Map.of("train_loss", 0.5));
    assertThat(port.submitFit("a", 1, held)).isEqualTo(RemoteClients.Receipt.ACCEPTED);
    FitReply reply = fit.get(5, TimeUnit.SECONDS);
    assertThat(reply.parameters()).isNull();
    assertThat(reply.numExamples()).isEqualTo(42);

    var answer = async(() -> port.secagg("a", 1, "share-keys", new byte[] {1, 2, 3}));
    var stage = (RemoteClients.Work.SecAgg) take("a");
    assertThat(stage.round()).isEqualTo(1);
    assertThat(stage.stage()).isEqualTo("share-keys");
    assertThat(stage.request()).containsExactly(1, 2, 3);
    assertThat(port.submitSecAgg("a", 1, "other-stage", new byte[] {9})).isEqualTo(RemoteClients.Receipt.NOT_INSTRUCTED);
    assertThat(port.submitSecAgg("a", 1, "share-keys", new byte[] {4, 5})).isEqualTo(RemoteClients.Receipt.ACCEPTED);
    assertThat(port.submitSecAgg("a", 1, "share-keys", new byte[] {4, 5})).isEqualTo(RemoteClients.Receipt.DUPLICATE);
    assertThat(answer.get(5, TimeUnit.SECONDS)).containsExactly(4, 5);
    assertThat(port.nodes()).extracting(RemoteClients.NodeView::roundsContributed).containsExactly(1);
    assertThat(events).contains("instructed a SecAgg 1", "a SECAGG 1 ACCEPTED", "a SECAGG 1 DUPLICATE",
        "a SECAGG 1 NOT_INSTRUCTED");
  }

  @Test
  void aClearUpdateForASecureFitIsRejectedAndTheFitFails() throws Exception {
    port.register("a");
    var fit = async(() -> port.fit(fit("a", SECURE)));
    take("a");
    assertThat(port.submitFit("a", 1, new FitReply("a", params(1), 10, Map.of())))
        .isEqualTo(RemoteClients.Receipt.REJECTED);
    assertThat(fit).failsWithin(5, TimeUnit.SECONDS).withThrowableThat()
        .withMessageContaining("node 'a' sent its update for round 1 in the clear");
    assertThat(port.submitFit("a", 1, new FitReply("a", null, 10, Map.of())))
        .isEqualTo(RemoteClients.Receipt.DUPLICATE);
    assertThat(port.nodes()).extracting(RemoteClients.NodeView::roundsContributed).containsExactly(0);
  }

  @Test
  void aHeldFitForAPlainInstructionIsRejected() throws Exception {
    port.register("a");
    var fit = async(() -> port.fit(fit("a", Outbound.PLAIN)));
    take("a");
    assertThat(port.submitFit("a", 1, new FitReply("a", null, 10, Map.of())))
        .isEqualTo(RemoteClients.Receipt.REJECTED);
    assertThat(fit).failsWithin(5, TimeUnit.SECONDS).withThrowableThat()
        .withMessageContaining("sent no update for round 1");
  }

  @Test
  void aStageFailsWhenTheNodeGoesOffline() throws Exception {
    port.register("a");
    var answer = async(() -> port.secagg("a", 1, "collect-masked", new byte[] {1}));
    take("a");
    clock.now = clock.now.plusSeconds(31);
    assertThat(port.sweep()).containsExactly("a");
    assertThat(answer).failsWithin(5, TimeUnit.SECONDS).withThrowableThat()
        .withMessageContaining("node went offline (no heartbeat for 30s)");
    assertThat(events).contains("a SECAGG 1 OFFLINE: node went offline (no heartbeat for 30s)");
  }

  @Test
  void aStageForAnOfflineNodeFailsAtOnce() throws Exception {
    port.register("a");
    clock.now = clock.now.plusSeconds(31);
    port.sweep();
    assertThat(async(() -> port.secagg("a", 1, "unmask", new byte[0]))).failsWithin(5, TimeUnit.SECONDS)
        .withThrowableThat().withMessageContaining("node 'a' is offline");
  }

  @Test
  void aStageTheRoundGaveUpOnIsWithdrawnAndItsAnswerLate() throws Exception {
    port.register("a");
    CompletableFuture<String> outcome = new CompletableFuture<>();
    Thread engine = Thread.ofVirtual().start(() -> {
      try {
        port.secagg("a", 2, "unmask", new byte[] {7});
        outcome.complete("answered");
      } catch (InterruptedException e) {
        outcome.complete("interrupted");
      } catch (Exception e) {
        outcome.complete(e.getMessage());
      }
    });
    take("a");
    engine.interrupt();
    assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo("interrupted");
    assertThat(events).contains("a SECAGG 2 TIMED_OUT: no answer before the round's deadline");
    assertThat(port.submitSecAgg("a", 2, "unmask", new byte[] {1})).isEqualTo(RemoteClients.Receipt.LATE);
  }

  @Test
  void aNodeReportsThatItCannotAnswerAStage() throws Exception {
    port.register("a");
    var answer = async(() -> port.secagg("a", 1, "share-keys", new byte[] {1}));
    take("a");
    assertThat(port.failSecAgg("a", 1, "share-keys", "no update held for round 1"))
        .isEqualTo(RemoteClients.Receipt.ACCEPTED);
    assertThat(answer).failsWithin(5, TimeUnit.SECONDS).withThrowableThat()
        .withMessageContaining("no update held for round 1");
    assertThat(events).contains("a SECAGG 1 FAILED: no update held for round 1");
  }
}
