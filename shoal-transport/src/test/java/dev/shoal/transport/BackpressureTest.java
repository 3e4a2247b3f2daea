package dev.shoal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.node.Assignment;
import dev.shoal.node.CoordinatorLink;
import dev.shoal.federation.LedgerWitness;
import dev.shoal.federation.RunStatus;
import dev.shoal.node.NodeAgent;
import dev.shoal.node.TryLaterException;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunConfig;
import dev.shoal.round.RunEvent;
import dev.shoal.store.BlobStore;
import dev.shoal.strategy.FedAvg;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.FederationGrpc;
import dev.shoal.transport.proto.UploadReply;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator that is busy turns a node's upload away; the node delivers the same update later in the round. */
class BackpressureTest {

  /** The node's real gRPC link, watched: what it was refused, and how often it registered. */
  static final class WatchedLink implements CoordinatorLink {
    final GrpcCoordinatorLink link;
    final List<TryLaterException> putOff = new CopyOnWriteArrayList<>();
    final List<ParameterSet> sent = new CopyOnWriteArrayList<>();
    final List<Assignment> assignments = new CopyOnWriteArrayList<>();
    final AtomicInteger registrations = new AtomicInteger();
    final CompletableFuture<Void> firstRefusal = new CompletableFuture<>();

    WatchedLink(GrpcCoordinatorLink link) {
      this.link = link;
    }

    @Override
    public void register(String node) throws IOException {
      registrations.incrementAndGet();
      link.register(node);
    }

    @Override
    public void heartbeat(String node) throws IOException {
      link.heartbeat(node);
    }

    @Override
    public Optional<Assignment> poll(String node) throws IOException {
      Optional<Assignment> a = link.poll(node);
      a.ifPresent(assignments::add);
      return a;
    }

    @Override
    public ParameterSet model(ContentId id) throws IOException {
      return link.model(id);
    }

    @Override
    public String submitFit(String node, int round, ParameterSet update, long numExamples, Map<String, Double> metrics)
        throws IOException {
      sent.add(update);
      try {
        return link.submitFit(node, round, update, numExamples, metrics);
      } catch (TryLaterException e) {
        putOff.add(e);
        firstRefusal.complete(null);
        throw e;
      }
    }

    @Override
    public String submitHeldFit(String node, int round, long numExamples, Map<String, Double> metrics)
        throws IOException {
      return link.submitHeldFit(node, round, numExamples, metrics);
    }

    @Override
    public String submitSecAgg(String node, int round, String stage, byte[] reply) throws IOException {
      return link.submitSecAgg(node, round, stage, reply);
    }

    @Override
    public String submitEvaluation(String node, int round, Evaluation evaluation) throws IOException {
      return link.submitEvaluation(node, round, evaluation);
    }

    @Override
    public void fail(String node, Assignment assignment, String reason) throws IOException {
      link.fail(node, assignment, reason);
    }

    @Override
    public Optional<LedgerWitness.Offer> checkpoint(String node, long lastSize) throws IOException {
      return link.checkpoint(node, lastSize);
    }

    @Override
    public String cosign(String node, LedgerWitness.Cosignature cosignature) throws IOException {
      return link.cosign(node, cosignature);
    }
  }

  /** Counts its fits: the update must be trained once, however often its delivery is put off. */
  static final class CountingTrainer implements dev.shoal.train.Trainer {
    final TransportTest.LabelTrainer trainer = new TransportTest.LabelTrainer();
    final AtomicInteger fits = new AtomicInteger();

    @Override
    public ParameterSet initialParameters(long seed) {
      return trainer.initialParameters(seed);
    }

    @Override
    public dev.shoal.train.FitOutcome fit(ParameterSet parameters, dev.shoal.data.Dataset data, FitConfig c) {
      fits.incrementAndGet();
      return trainer.fit(parameters, data, c);
    }

    @Override
    public Evaluation evaluate(ParameterSet parameters, dev.shoal.data.Dataset data) {
      return trainer.evaluate(parameters, data);
    }
  }

  @TempDir Path dir;
  CoordinatorServer server;
  ManagedChannel other;
  GrpcCoordinatorLink grpc;

  @AfterEach
  void stop() {
    if (grpc != null) {
      grpc.close();
    }
    if (other != null) {
      other.shutdownNow();
    }
    server.close();
  }

  @Test
  void aNodeTurnedAwayForLoadDeliversTheSameUpdateLaterInTheSameRound() throws Exception {
    List<RemoteClients.Outcome> outcomes = new CopyOnWriteArrayList<>();
    var clients = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30), new RemoteClients.Journal() {
      @Override
      public void outcome(String node, RemoteClients.Kind kind, int round, RemoteClients.Outcome outcome, String reason,
          Instant at) {
        outcomes.add(outcome);
      }
    });
    var service = new FederationService(clients, BlobStore.open(dir.resolve("blobs")),
        () -> new RunStatus("test", 0, 0, 0, "waiting", List.of()), Duration.ofMillis(200), Duration.ofMillis(20));
    // one upload at a time in all, and another connection holds that slot
    server = CoordinatorServer.startInsecure("127.0.0.1", 0, service,
        new CallLimits.Settings(100, 100, 2, 1, Duration.ofMinutes(1), Duration.ofMinutes(1)));
    other = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    CompletableFuture<UploadReply> held = new CompletableFuture<>();
    // the call is admitted when it starts, before any chunk: one that sends none holds the slot
    StreamObserver<Chunk> holder = FederationGrpc.newStub(other).upload(CallLimitsTest.observer(held));

    grpc = GrpcCoordinatorLink.insecure("127.0.0.1", server.port(), dir.resolve("node"));
    var link = new WatchedLink(grpc);
    var trainer = new CountingTrainer();
    var timing = new NodeAgent.Timing(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(50),
        Duration.ofMillis(500));
    var agent = new NodeAgent("a", link, p -> trainer, TransportTest.data(2, 50), timing, 1);
    Thread.ofVirtual().start(agent);
    // the slot frees once the node has been turned away
    Thread.ofVirtual().start(() -> {
      link.firstRefusal.join();
      holder.onCompleted();
    });
    clients.awaitAvailable(1);
    List<RoundMetrics> rounds = new CopyOnWriteArrayList<>();
    var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 0.0), clients,
        new RunConfig(1, 1, Duration.ofMinutes(2), 1), Optional.empty(), e -> {
          if (e instanceof RunEvent.RoundFinished f) {
            rounds.add(f.metrics());
          }
        });
    ParameterSet result = engine.run(new TransportTest.LabelTrainer().initialParameters(0));
    agent.stop();

    assertThat(link.putOff).isNotEmpty().allSatisfy(e -> {
      assertThat(e.why()).isEqualTo(TryLaterException.Why.BUSY);
      assertThat(e).hasMessageContaining("RESOURCE_EXHAUSTED: more than 1 uploads in flight in total");
      assertThat(e.retryAfter()).isPresent();
    });
    // the round waited for it and took its update: trained once, sent again unchanged, no reconnect
    assertThat(rounds).singleElement().satisfies(m -> {
      assertThat(m.clients()).isEqualTo(1);
      assertThat(m.failures()).isZero();
    });
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(2f, 2f, 2f);
    assertThat(trainer.fits).hasValue(1);
    assertThat(link.sent).hasSize(link.putOff.size() + 1).allSatisfy(u -> assertThat(u).isSameAs(link.sent.get(0)));
    assertThat(link.registrations).hasValue(1);
    assertThat(outcomes).containsExactly(RemoteClients.Outcome.ACCEPTED);
    // and it knew how long the round would wait
    assertThat(link.assignments).first().satisfies(a -> assertThat(a.deadline())
        .isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofMinutes(2))));
  }
}
