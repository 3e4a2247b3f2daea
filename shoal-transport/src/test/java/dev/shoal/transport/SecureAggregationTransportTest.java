package dev.shoal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.shoal.node.NodeAgent;
import dev.shoal.node.SecureAggregation;
import dev.shoal.round.RemoteClients;
import dev.shoal.store.BlobStore;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Outbound;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import dev.shoal.transport.proto.FederationGrpc;
import dev.shoal.transport.proto.FitResult;
import dev.shoal.transport.proto.SecAggAnswer;
import dev.shoal.transport.proto.StatusReply;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secure aggregation's messages on real sockets, as opaque bytes between the engine's port and a node's hook. */
class SecureAggregationTransportTest {

  static final Outbound SECURE = new Outbound(true, 1000, 0, 0);
  static final FitConfig CONFIG = new FitConfig(1, 10, 0.1, 1);

  /** Keeps what it is given; answers a request with its bytes reversed, or with {@code n} bytes when asked "big n". */
  static final class EchoAggregation implements SecureAggregation {
    final Map<Integer, ParameterSet> held = new ConcurrentHashMap<>();
    final Map<Integer, Long> examples = new ConcurrentHashMap<>();

    @Override
    public void hold(String self, int round, ParameterSet global, ParameterSet trained, long numExamples,
        Outbound outbound) {
      held.put(round, trained);
      examples.put(round, numExamples);
    }

    @Override
    public byte[] answer(int round, String stage, byte[] request) {
      if (!held.containsKey(round)) {
        throw new IllegalStateException("no update held for round " + round);
      }
      String text = new String(request, java.nio.charset.StandardCharsets.UTF_8);
      if (text.startsWith("big ")) {
        return big(Integer.parseInt(text.substring(4)));
      }
      byte[] reply = new byte[request.length];
      for (int i = 0; i < request.length; i++) {
        reply[i] = request[request.length - 1 - i];
      }
      return reply;
    }
  }

  static byte[] big(int n) {
    byte[] b = new byte[n];
    new java.util.Random(n).nextBytes(b);
    return b;
  }

  static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @TempDir Path dir;
  RemoteClients clients;
  BlobStore blobs;
  CoordinatorServer server;
  GrpcCoordinatorLink link;
  ParameterSet global;

  @BeforeEach
  void start() throws Exception {
    clients = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30));
    blobs = BlobStore.open(dir.resolve("blobs"));
    var service = new FederationService(clients, blobs, () -> StatusReply.newBuilder().setRun("test").build(),
        Duration.ofMillis(50), Duration.ofMillis(10));
    server = CoordinatorServer.startInsecure("127.0.0.1", 0, service);
    link = GrpcCoordinatorLink.insecure("127.0.0.1", server.port(), dir.resolve("node"));
    global = new TransportTest.LabelTrainer().initialParameters(0);
  }

  @AfterEach
  void stop() {
    link.close();
    server.close();
  }

  NodeAgent agent(String name, int label, SecureAggregation secure) throws InterruptedException {
    NodeAgent a = new NodeAgent(name, link, p -> new TransportTest.LabelTrainer(), TransportTest.data(label, 25),
        TransportTest.FAST, 1, secure);
    Thread.ofVirtual().start(a);
    while (!clients.available().contains(name)) {
      Thread.sleep(5);
    }
    return a;
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

  @Test
  void aSecureFitIsHeldOnTheNodeAndItsStagesTravelInlineAndAsBlobs() throws Exception {
    var hook = new EchoAggregation();
    NodeAgent a = agent("a", 3, hook);
    FitReply fit = clients.fit(new FitInstruction("a", 1, global, CONFIG, SECURE));
    assertThat(fit.parameters()).isNull();
    assertThat(fit.numExamples()).isEqualTo(25);
    assertThat(fit.metrics()).containsEntry("train_loss", 1.0);
    assertThat(hook.held.get(1).tensor("w").orElseThrow().data()).containsExactly(3f, 3f, 3f);
    assertThat(hook.examples).containsEntry(1, 25L);

    assertThat(clients.secagg("a", 1, "advertise-keys", new byte[] {1, 2, 3})).containsExactly(3, 2, 1);
    assertThat(clients.secagg("a", 1, "share-keys", new byte[0])).isEmpty();
    // the largest request that travels inline, answered with a reply as large
    byte[] request = big(Wire.SECAGG_INLINE_BYTES);
    request[0] = 0; // not "big ..."
    byte[] reversed = clients.secagg("a", 1, "share-keys-again", request);
    assertThat(reversed).hasSize(request.length);
    assertThat(reversed[0]).isEqualTo(request[request.length - 1]);
    assertThat(reversed[request.length - 1]).isEqualTo(request[0]);

    long up = clients.traffic().up();
    int size = 3 * 1024 * 1024 + 5; // a masked input of a model of about 800k parameters
    byte[] reply = clients.secagg("a", 1, "collect-masked", utf8("big " + size));
    assertThat(reply).isEqualTo(big(size));
    assertThat(clients.traffic().up() - up).isGreaterThan(size);
    assertThat(blobs.contains(ContentId.of(reply))).as("the uploaded reply is deleted once read").isFalse();
    assertThat(Files.list(blobs.root()).filter(Files::isRegularFile).toList()).hasSizeLessThanOrEqualTo(1);

    // just over the inline bound goes as a blob, just under it inline
    assertThat(clients.secagg("a", 1, "unmask", utf8("big " + (Wire.SECAGG_INLINE_BYTES + 1))))
        .isEqualTo(big(Wire.SECAGG_INLINE_BYTES + 1));
    assertThat(clients.secagg("a", 1, "unmask-again", utf8("big " + Wire.SECAGG_INLINE_BYTES)))
        .isEqualTo(big(Wire.SECAGG_INLINE_BYTES));
    a.stop();
  }

  @Test
  void eachNodeAnswersItsOwnStagesWhenSeveralRunAtOnce() throws Exception {
    Map<String, EchoAggregation> hooks = Map.of("a", new EchoAggregation(), "b", new EchoAggregation(),
        "c", new EchoAggregation());
    Map<String, Integer> labels = Map.of("a", 1, "b", 2, "c", 3);
    var agents = new java.util.ArrayList<NodeAgent>();
    for (String n : hooks.keySet()) {
      agents.add(agent(n, labels.get(n), hooks.get(n)));
    }
    var fits = new java.util.ArrayList<CompletableFuture<FitReply>>();
    for (String n : hooks.keySet()) {
      fits.add(async(() -> clients.fit(new FitInstruction(n, 1, global, CONFIG, SECURE))));
    }
    for (var f : fits) {
      assertThat(f.get(20, TimeUnit.SECONDS).parameters()).isNull();
    }
    for (String stage : java.util.List.of("advertise-keys", "share-keys", "collect-masked", "unmask")) {
      Map<String, CompletableFuture<byte[]>> answers = new java.util.TreeMap<>();
      for (String n : hooks.keySet()) {
        answers.put(n, async(() -> clients.secagg(n, 1, stage, utf8(stage + " for " + n))));
      }
      for (var e : answers.entrySet()) {
        assertThat(new StringBuilder(new String(e.getValue().get(20, TimeUnit.SECONDS),
            java.nio.charset.StandardCharsets.UTF_8)).reverse().toString()).isEqualTo(stage + " for " + e.getKey());
      }
    }
    hooks.forEach((n, hook) -> assertThat(hook.held.get(1).tensor("w").orElseThrow().data()[0])
        .isEqualTo((float) labels.get(n)));
    agents.forEach(NodeAgent::stop);
  }

  @Test
  void aNodeWithoutSecureAggregationFailsSecureWorkAndSaysWhy() throws Exception {
    NodeAgent a = agent("a", 3, null);
    assertThatThrownBy(() -> clients.fit(new FitInstruction("a", 1, global, CONFIG, SECURE)))
        .hasMessage(NodeAgent.NO_SECURE_AGGREGATION);
    assertThatThrownBy(() -> clients.secagg("a", 1, "advertise-keys", new byte[] {1}))
        .hasMessage(NodeAgent.NO_SECURE_AGGREGATION);
    // plain work still goes on
    assertThat(clients.fit(new FitInstruction("a", 2, global, CONFIG)).numExamples()).isEqualTo(25);
    a.stop();
  }

  @Test
  void aStageTheHookCannotAnswerFailsWithItsReason() throws Exception {
    NodeAgent a = agent("a", 3, new EchoAggregation());
    assertThatThrownBy(() -> clients.secagg("a", 7, "share-keys", new byte[] {1}))
        .hasMessage("no update held for round 7");
    a.stop();
  }

  @Test
  void duplicateAndLateAnswersAreCountedOnceAndBlobsAreDeletedAnyway() throws Exception {
    link.register("a");
    var answer = async(() -> clients.secagg("a", 1, "share-keys", new byte[] {1}));
    while (link.poll("a").isEmpty()) {
      Thread.sleep(5);
    }
    assertThat(link.submitSecAgg("a", 1, "share-keys", new byte[] {2})).isEqualTo("ACCEPTED");
    assertThat(link.submitSecAgg("a", 1, "share-keys", new byte[] {2})).isEqualTo("DUPLICATE");
    assertThat(answer.get(10, TimeUnit.SECONDS)).containsExactly(2);
    byte[] large = big(2 * Wire.SECAGG_INLINE_BYTES);
    // a reply too large to go inline is an upload, and a node with no stage to answer may not upload
    assertThatThrownBy(() -> link.submitSecAgg("a", 1, "share-keys", large))
        .hasMessageContaining("FAILED_PRECONDITION: node 'a' holds no work that takes an upload");
    assertThat(blobs.contains(ContentId.of(large))).isFalse();

    CompletableFuture<String> engine = new CompletableFuture<>();
    Thread waiting = Thread.ofVirtual().start(() -> {
      try {
        clients.secagg("a", 1, "unmask", new byte[] {3});
        engine.complete("answered");
      } catch (InterruptedException e) {
        engine.complete("gave up");
      } catch (Exception e) {
        engine.complete(e.getMessage());
      }
    });
    while (link.poll("a").isEmpty()) {
      Thread.sleep(5);
    }
    waiting.interrupt(); // the round's deadline
    assertThat(engine.get(10, TimeUnit.SECONDS)).isEqualTo("gave up");
    assertThat(link.submitSecAgg("a", 1, "unmask", new byte[] {4})).isEqualTo("LATE");
    assertThat(link.submitSecAgg("a", 1, "never-asked", new byte[] {4})).isEqualTo("NOT_INSTRUCTED");
  }

  @Test
  void aNodeThatSendsAClearUpdateForASecureFitIsRejected() throws Exception {
    link.register("a");
    var fit = async(() -> clients.fit(new FitInstruction("a", 1, global, CONFIG, SECURE)));
    while (link.poll("a").isEmpty()) {
      Thread.sleep(5);
    }
    var clear = new TransportTest.LabelTrainer().fit(global, TransportTest.data(5, 3).train(), CONFIG).parameters();
    assertThat(link.submitFit("a", 1, clear, 10, Map.of())).isEqualTo("REJECTED");
    assertThat(fit).failsWithin(10, TimeUnit.SECONDS).withThrowableThat()
        .withMessageContaining("node 'a' sent its update for round 1 in the clear");
    assertThat(blobs.contains(ContentId.of(global))).as("models are stored under this id").isTrue();
    assertThat(blobs.contains(ContentId.of(clear))).as("the coordinator keeps no copy of the clear update").isFalse();
  }

  @Test
  void theSecureOutboundTravelsWithTheFitAssignment() throws Exception {
    link.register("a");
    var outbound = new Outbound(true, 500, 1.5, 0.25);
    async(() -> clients.fit(new FitInstruction("a", 4, global, CONFIG, outbound)));
    var assignment = link.poll("a");
    while (assignment.isEmpty()) {
      Thread.sleep(5);
      assignment = link.poll("a");
    }
    assertThat(assignment.get().kind()).isEqualTo(dev.shoal.node.Assignment.Kind.FIT);
    assertThat(assignment.get().outbound()).isEqualTo(outbound);
    assertThat(assignment.get().config()).isEqualTo(CONFIG);
    link.fail("a", assignment.get(), "test over");
  }

  @Test
  void oversizeMessagesAreRefusedWithAReason() throws Exception {
    link.register("a");
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      var stub = FederationGrpc.newBlockingStub(channel);
      var tooBig = SecAggAnswer.newBuilder().setNode("a").setRound(1).setStage("share-keys")
          .setInline(ByteString.copyFrom(new byte[Wire.SECAGG_INLINE_BYTES + 1])).build();
      assertThatThrownBy(() -> stub.submitSecAgg(tooBig)).isInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("INVALID_ARGUMENT: inline secure-aggregation reply of 1048577 bytes exceeds 1048576 bytes");
      var noReply = SecAggAnswer.newBuilder().setNode("a").setRound(1).setStage("share-keys").build();
      assertThatThrownBy(() -> stub.submitSecAgg(noReply)).hasMessageContaining("INVALID_ARGUMENT");
      var missing = SecAggAnswer.newBuilder().setNode("a").setRound(1).setStage("share-keys")
          .setBlob(ContentId.of(new byte[] {1}).value()).build();
      assertThatThrownBy(() -> stub.submitSecAgg(missing)).hasMessageContaining("NOT_FOUND");
      var heldWithUpdate = FitResult.newBuilder().setNode("a").setRound(1).setHeld(true)
          .setUpdate(ContentId.of(new byte[] {1}).value()).build();
      assertThatThrownBy(() -> stub.submitFit(heldWithUpdate))
          .hasMessageContaining("INVALID_ARGUMENT: a held fit result must not name an update");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    // a request too large to send inline fails its stage instead of the node's poll
    var stage = async(() -> clients.secagg("a", 1, "share-keys", new byte[Wire.SECAGG_INLINE_BYTES + 1]));
    while (!stage.isDone()) {
      assertThat(link.poll("a")).isEmpty();
      Thread.sleep(5);
    }
    assertThat(stage).failsWithin(10, TimeUnit.SECONDS).withThrowableThat()
        .withMessageContaining("exceeds the wire's limit of 1048576 bytes");
  }
}
