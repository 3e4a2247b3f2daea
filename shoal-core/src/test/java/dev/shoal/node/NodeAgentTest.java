package dev.shoal.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.data.FederatedData;
import dev.shoal.federation.LedgerWitness;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RoundEngineTest;
import dev.shoal.round.RunConfig;
import dev.shoal.secagg.SecureAggregation;
import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.FitReply;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NodeAgentTest {

  /** A link that calls the coordinator's port directly, and can be made to drop calls. */
  static class LocalLink implements CoordinatorLink {
    final RemoteClients port;
    final Map<ContentId, ParameterSet> models = new ConcurrentHashMap<>();
    final AtomicInteger dropNext = new AtomicInteger();
    final AtomicInteger registrations = new AtomicInteger();
    volatile String refuse;
    volatile LedgerWitness.Offer offer;
    final List<LedgerWitness.Cosignature> cosignatures = new java.util.concurrent.CopyOnWriteArrayList<>();

    LocalLink(RemoteClients port) {
      this.port = port;
    }

    private void maybeDrop() throws IOException {
      if (dropNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IOException("connection refused");
      }
    }

    @Override
    public void register(String node) throws IOException {
      maybeDrop();
      if (refuse != null) {
        throw new RefusedException(refuse, null);
      }
      registrations.incrementAndGet();
      port.register(node);
    }

    @Override
    public Optional<LedgerWitness.Offer> checkpoint(String node, long lastSize) {
      return Optional.ofNullable(offer);
    }

    @Override
    public String cosign(String node, LedgerWitness.Cosignature cosignature) {
      cosignatures.add(cosignature);
      return "ACCEPTED";
    }

    @Override
    public void heartbeat(String node) {
      port.heartbeat(node);
    }

    @Override
    public Optional<Assignment> poll(String node) throws IOException {
      maybeDrop();
      return port.poll(node).map(work -> {
        return switch (work) {
          case RemoteClients.Work.Fit f -> {
            ContentId id = ContentId.of(f.instruction().global());
            models.put(id, f.instruction().global());
            yield Assignment.fit(f.round(), id, f.instruction().config(), f.instruction().outbound());
          }
          case RemoteClients.Work.Evaluate e -> {
            ContentId id = ContentId.of(e.global());
            models.put(id, e.global());
            yield new Assignment(Assignment.Kind.EVALUATE, e.round(), id, null);
          }
          case RemoteClients.Work.SecAgg s -> Assignment.secagg(s.round(), s.stage(), s.request());
          case RemoteClients.Work.Stop s -> Assignment.stop();
        };
      });
    }

    @Override
    public ParameterSet model(ContentId id) {
      return models.get(id);
    }

    @Override
    public String submitFit(String node, int round, ParameterSet update, long numExamples, Map<String, Double> metrics)
        throws IOException {
      return port.submitFit(node, round, new FitReply(node, update, numExamples, metrics)).name();
    }

    @Override
    public String submitHeldFit(String node, int round, long numExamples, Map<String, Double> metrics) {
      return port.submitFit(node, round, new FitReply(node, null, numExamples, metrics)).name();
    }

    @Override
    public String submitSecAgg(String node, int round, String stage, byte[] reply) {
      return port.submitSecAgg(node, round, stage, reply).name();
    }

    @Override
    public String submitEvaluation(String node, int round, Evaluation evaluation) {
      return port.submitEvaluation(node, round, evaluation).name();
    }

    @Override
    public void fail(String node, Assignment assignment, String reason) {
      if (assignment.kind() == Assignment.Kind.FIT) {
        port.failFit(node, assignment.round(), reason);
      } else if (assignment.kind() == Assignment.Kind.SECAGG) {
        port.failSecAgg(node, assignment.round(), assignment.stage(), reason);
      } else {
        port.failEvaluation(node, assignment.round(), reason);
      }
    }
  }

  static final NodeAgent.Timing FAST =
      new NodeAgent.Timing(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(5), Duration.ofMillis(50));

  final RemoteClients port = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30));
  final LocalLink link = new LocalLink(port);
  final RoundEngineTest.LabelTrainer trainer = new RoundEngineTest.LabelTrainer();

  NodeAgent agent(String name, FederatedData data) {
    NodeAgent a = new NodeAgent(name, link, p -> trainer, data, FAST, name.hashCode());
    Thread.ofVirtual().start(a);
    return a;
  }

  ParameterSet run(int rounds, int minClients) {
    var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, minClients, 0.0), port,
        new RunConfig(rounds, minClients, Duration.ofSeconds(20), 1), Optional.empty(), e -> { });
    return engine.run(trainer.initialParameters(0));
  }

  void awaitNodes(int n) throws InterruptedException {
    while (port.available().size() < n) {
      Thread.sleep(5);
    }
  }

  @Test
  void agentsTrainRoundsAndFailuresAreReported() throws Exception {
    List<NodeAgent> agents = List.of(
        agent("a", RoundEngineTest.data(1, 100)), agent("b", RoundEngineTest.data(4, 300)),
        agent("broken", RoundEngineTest.data(9, 50)));
    awaitNodes(3);
    ParameterSet result = run(2, 2);
    agents.forEach(NodeAgent::stop);
    // "broken" throws in training; the agent reports it and the round aggregates a and b
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(3.25f, 3.25f, 3.25f);
    assertThat(port.nodes()).filteredOn(n -> n.name().equals("broken"))
        .extracting(RemoteClients.NodeView::roundsContributed).containsExactly(0);
  }

  @Test
  void anAgentBacksOffAndRegistersAgainWhenTheLinkDrops() throws Exception {
    link.dropNext.set(3);
    NodeAgent a = agent("a", RoundEngineTest.data(2, 10));
    NodeAgent b = agent("b", RoundEngineTest.data(2, 10));
    awaitNodes(2);
    ParameterSet result = run(1, 2);
    a.stop();
    b.stop();
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(2f, 2f, 2f);
    assertThat(link.registrations.get()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void anAgentTheCoordinatorRefusesStopsAndSaysWhy() throws Exception {
    link.refuse = "UNAUTHENTICATED: certificate revoked: a (node, serial 1f)";
    NodeAgent a = new NodeAgent("a", link, p -> trainer, RoundEngineTest.data(2, 10), FAST, 1);
    Thread t = Thread.ofVirtual().start(a);
    t.join(Duration.ofSeconds(10));
    assertThat(t.isAlive()).as("the agent stops instead of retrying").isFalse();
    assertThat(a.refusal()).hasValue("UNAUTHENTICATED: certificate revoked: a (node, serial 1f)");
  }

  @Test
  void anUpdateTheCoordinatorRejectsAsInvalidFailsOnceAndTheNodeGoesOn() throws Exception {
    Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    LocalLink rejecting = new LocalLink(port) {
      @Override
      public String submitFit(String node, int round, ParameterSet update, long numExamples,
          Map<String, Double> metrics) throws IOException {
        attempts.computeIfAbsent(round, r -> new AtomicInteger()).incrementAndGet();
        if (round == 1) {
          throw new RejectedException("INVALID_ARGUMENT: tensor 'w' has shape [2]", null);
        }
        return super.submitFit(node, round, update, numExamples, metrics);
      }
    };
    agent("a", RoundEngineTest.data(2, 10));
    NodeAgent r = new NodeAgent("r", rejecting, p -> trainer, RoundEngineTest.data(2, 10), FAST, 7);
    Thread.ofVirtual().start(r);
    awaitNodes(2);
    run(2, 1);
    r.stop();
    assertThat(attempts.get(1)).as("round 1's update is not sent again").hasValue(1);
    assertThat(attempts.get(2)).as("the node trains the next round").hasValue(1);
    assertThat(r.refusal()).isEmpty();
    assertThat(port.nodes()).filteredOn(n -> n.name().equals("r"))
        .extracting(RemoteClients.NodeView::roundsContributed).containsExactly(1);
  }

  /** A witness that cosigns the checkpoint "good" and finds any other inconsistent. */
  static final class CheckpointWitness implements LedgerWitness {
    volatile long size;
    final Map<Long, String> sent = new ConcurrentHashMap<>();

    @Override
    public void sent(long round, String commitment) {
      sent.put(round, commitment);
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public Cosignature witness(Offer offer) throws Inconsistent {
      if (!offer.checkpoint().equals("good")) {
        throw new Inconsistent("the log shrank");
      }
      size++;
      return new Cosignature(size, "key", "line\n");
    }
  }

  @Test
  void anAgentCosignsBeforeEachFitAndStopsWithoutTrainingOnAnInconsistentLog() throws Exception {
    link.offer = new LedgerWitness.Offer("log", "good", List.of(), List.of());
    CheckpointWitness witness = new CheckpointWitness();
    NodeAgent a = new NodeAgent("a", link, p -> trainer, RoundEngineTest.data(2, 10), FAST, 1).witnessing(witness);
    Thread t = Thread.ofVirtual().start(a);
    awaitNodes(1);
    run(2, 1);
    assertThat(link.cosignatures).hasSize(2);
    assertThat(a.inconsistency()).isEmpty();
    assertThat(witness.sent).containsOnlyKeys(1L, 2L);

    link.offer = new LedgerWitness.Offer("log", "bad", List.of(), List.of());
    var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 0.0), port,
        new RunConfig(1, 1, Duration.ofSeconds(2), 1), Optional.empty(), e -> { });
    engine.run(trainer.initialParameters(0));
    t.join(Duration.ofSeconds(10));
    assertThat(t.isAlive()).as("the agent stops instead of training").isFalse();
    assertThat(a.inconsistency()).hasValue("the log shrank");
    assertThat(link.cosignatures).hasSize(2);
    assertThat(port.nodes()).extracting(RemoteClients.NodeView::roundsContributed).containsExactly(2);
  }

  /** Keeps the trained update's first value; answers a stage with that value appended to the request. */
  static final class KeepFirstValue implements SecureAggregation {
    final Map<Integer, Float> held = new ConcurrentHashMap<>();

    @Override
    public void hold(String self, int round, ParameterSet global, ParameterSet trained, long numExamples,
        dev.shoal.strategy.Outbound outbound) {
      held.put(round, trained.tensor("w").orElseThrow().data()[0]);
    }

    @Override
    public byte[] answer(int round, String stage, byte[] request) {
      Float v = held.get(round);
      if (v == null) {
        throw new IllegalStateException("nothing held for round " + round);
      }
      byte[] reply = java.util.Arrays.copyOf(request, request.length + 1);
      reply[request.length] = (byte) v.floatValue();
      return reply;
    }
  }

  @Test
  void anAgentHoldsASecureUpdateAndAnswersStagesWithItsHook() throws Exception {
    var hook = new KeepFirstValue();
    NodeAgent a = new NodeAgent("a", link, p -> trainer, RoundEngineTest.data(6, 40), FAST, 1, hook);
    Thread.ofVirtual().start(a);
    awaitNodes(1);
    var secure = new dev.shoal.strategy.Outbound(true, 100, 0, 0);
    FitReply reply = port.fit(new dev.shoal.strategy.FitInstruction("a", 3, trainer.initialParameters(0),
        new FitConfig(1, 10, 0.1, 1), secure));
    assertThat(reply.parameters()).isNull();
    assertThat(reply.numExamples()).isEqualTo(40);
    assertThat(hook.held).containsEntry(3, 6f);
    assertThat(port.secagg("a", 3, "share-keys", new byte[] {1, 2})).containsExactly(1, 2, 6);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> port.secagg("a", 4, "share-keys", new byte[] {1}))
        .hasMessage("nothing held for round 4");
    a.stop();
  }

  @Test
  void anAgentWithoutSecureAggregationFailsSecureWork() throws Exception {
    NodeAgent a = agent("a", RoundEngineTest.data(6, 40));
    awaitNodes(1);
    var secure = new dev.shoal.strategy.Outbound(true, 100, 0, 0);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> port.fit(new dev.shoal.strategy.FitInstruction("a", 1,
        trainer.initialParameters(0), new FitConfig(1, 10, 0.1, 1), secure)))
        .hasMessage("this node has no secure aggregation");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> port.secagg("a", 1, "share-keys", new byte[] {1}))
        .hasMessage("this node has no secure aggregation");
    a.stop();
  }

  @Test
  void aRelaysAgentTrainsThroughItsSubtreeAndTheRoundRecordsWhoIsInIt() throws Exception {
    var below = new dev.shoal.round.InProcessClients(trainer, Map.of("n1", RoundEngineTest.data(1, 100),
        "n2", RoundEngineTest.data(4, 300)), 2);
    var subtree = new dev.shoal.round.SubtreeRound("relay", below, 2, Duration.ofSeconds(30));
    NodeAgent relay = new NodeAgent("relay", link, p -> subtree, null, FAST, 7)
        .refusingSecureAggregation(dev.shoal.strategy.Relaying.NO_SECURE_AGGREGATION);
    Thread.ofVirtual().start(relay);
    NodeAgent node = agent("n3", RoundEngineTest.data(2, 100));
    awaitNodes(2);
    List<dev.shoal.round.RoundRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 2, 0.0), port,
        new RunConfig(1, 2, Duration.ofSeconds(20), 1), Optional.empty(), e -> {
          if (e instanceof dev.shoal.round.RunEvent.RoundFinished f) {
            records.add(f.record());
          }
        });
    ParameterSet result = engine.run(trainer.initialParameters(0));
    // (1·100 + 4·300 + 2·100) / 500, as over the three nodes without the relay
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(3f, 3f, 3f);
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.commitments()).containsOnlyKeys("relay", "n3");
      assertThat(r.subtrees()).containsOnlyKeys("relay");
      assertThat(r.subtrees().get("relay")).extracting(dev.shoal.strategy.Subtree.Member::node,
          dev.shoal.strategy.Subtree.Member::examples).containsExactly(
              org.assertj.core.groups.Tuple.tuple("n1", 100L), org.assertj.core.groups.Tuple.tuple("n2", 300L));
    });
    var secure = new dev.shoal.strategy.Outbound(true, 100, 0, 0);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> port.fit(new dev.shoal.strategy.FitInstruction("relay", 2,
        trainer.initialParameters(0), new FitConfig(1, 10, 0.1, 1), secure)))
        .hasMessageContaining("secure aggregation cannot go through a relay yet");
    relay.stop();
    node.stop();
  }

  @Test
  void backoffGrowsUpToItsCeilingWithJitter() {
    var backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new java.util.SplittableRandom(1));
    for (int i = 0; i < 10; i++) {
      Duration ceiling = backoff.ceiling();
      assertThat(backoff.next()).isLessThanOrEqualTo(ceiling);
    }
    assertThat(backoff.ceiling()).isEqualTo(Duration.ofSeconds(2));
    backoff.reset();
    assertThat(backoff.ceiling()).isEqualTo(Duration.ofMillis(100));
  }
}
