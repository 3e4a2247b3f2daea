package dev.shoal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.shoal.round.RemoteClients;
import dev.shoal.store.BlobStore;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.Outbound;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import dev.shoal.transport.proto.BlobRef;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.DownloadRequest;
import dev.shoal.transport.proto.EvaluationResult;
import dev.shoal.transport.proto.FederationGrpc;
import dev.shoal.transport.proto.FitResult;
import dev.shoal.transport.proto.NodeRef;
import dev.shoal.transport.proto.RegisterRequest;
import dev.shoal.transport.proto.StatusReply;
import dev.shoal.transport.proto.StatusRequest;
import dev.shoal.transport.proto.UploadReply;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node with a valid connection can send that is not what a Shoal node sends: names with
 * control characters, malformed ids, offsets and counts out of range, uploads nobody asked for.
 * Each is answered with a status that says what is wrong, and the coordinator keeps serving.
 */
class HostileInputTest {

  static final long MODEL_BYTES = 1_000;

  @TempDir Path dir;
  RemoteClients clients;
  BlobStore blobs;
  CoordinatorServer server;
  ManagedChannel channel;
  FederationGrpc.FederationBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    clients = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30));
    blobs = BlobStore.open(dir.resolve("blobs"));
    var service = new FederationService(clients, blobs, () -> StatusReply.newBuilder().setRun("test").build(),
        Duration.ofMillis(50), Duration.ofMillis(10)).limitUploads(MODEL_BYTES);
    server = CoordinatorServer.startInsecure("127.0.0.1", 0, service);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    stub = FederationGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  static Status refusal(Runnable call) {
    return catchThrowableOfType(StatusRuntimeException.class, call::run).getStatus();
  }

  @Test
  void aNameWithControlCharactersIsRefusedAndQuotedEscaped() {
    for (String name : List.of("a\u0000b", "site-1\n12:00:00.000 WARN forged", "../../x", "a/b", "<b>x</b>", "")) {
      Status s = refusal(() -> stub.register(RegisterRequest.newBuilder().setNode(name).build()));
      assertThat(s.getCode()).as(name).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(s.getDescription()).as(name).contains("is not a valid name").doesNotContain("\n").doesNotContain("\u0000");
    }
    assertThat(refusal(() -> stub.register(RegisterRequest.newBuilder().setNode("a\u0000b").build())).getDescription())
        .contains("'a\\x00b'");
    assertThat(clients.nodes()).isEmpty();
    assertThat(stub.status(StatusRequest.getDefaultInstance()).getRun()).isEqualTo("test");
  }

  @Test
  void aMalformedContentIdIsInvalidArgumentNotUnknown() {
    Status s = refusal(() -> stub.hasBlob(BlobRef.newBuilder().setContentId("sha256:../../etc/passwd").build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("is not a content id");
  }

  @Test
  void anOffsetPastTheEndIsOutOfRangeAndANegativeOneInvalid() throws Exception {
    ContentId id = blobs.put(new byte[] {1, 2, 3});
    Status past = refusal(() -> stub.download(DownloadRequest.newBuilder().setContentId(id.value()).setOffset(99).build())
        .forEachRemaining(c -> { }));
    assertThat(past.getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
    assertThat(past.getDescription()).contains("offset 99 is past the end");
    Status negative = refusal(() -> stub.download(
        DownloadRequest.newBuilder().setContentId(id.value()).setOffset(-1).build()).forEachRemaining(c -> { }));
    assertThat(negative.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void aNegativeExampleCountIsInvalidArgument() {
    stub.register(RegisterRequest.newBuilder().setNode("a").build());
    Status s = refusal(() -> stub.submitEvaluation(EvaluationResult.newBuilder().setNode("a").setRound(1)
        .setNumExamples(-5).setLoss(0.1).setAccuracy(0.5).build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).isEqualTo("num_examples -5 is negative");
    Status nan = refusal(() -> stub.submitEvaluation(EvaluationResult.newBuilder().setNode("a").setRound(1)
        .setNumExamples(5).setLoss(Double.NaN).setAccuracy(0.5).build()));
    assertThat(nan.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void anUploadForNoWorkIsRefusedAndNothingIsStored() throws Exception {
    stub.register(RegisterRequest.newBuilder().setNode("a").build());
    byte[] bytes = {1, 2, 3};
    Throwable t = upload("a", bytes, bytes.length);
    assertThat(t).hasMessageContaining("FAILED_PRECONDITION: node 'a' holds no work that takes an upload");
    assertThat(blobs.contains(ContentId.of(bytes))).isFalse();
    assertThat(upload("", bytes, bytes.length)).hasMessageContaining("an upload must name its node");
  }

  @Test
  void anUploadMustSendTheSizeItDeclares() throws Exception {
    Future<?> fit = giveFit("a");
    byte[] bytes = {1, 2, 3};
    assertThat(upload("a", bytes, 2)).hasMessageContaining("INVALID_ARGUMENT: upload sends more than the 2 bytes it declared");
    assertThat(upload("a", bytes, 5)).hasMessageContaining("INVALID_ARGUMENT: upload ended after 3 of the 5 bytes it declared");
    assertThat(upload("a", bytes, -1)).hasMessageContaining("INVALID_ARGUMENT: total_size -1 is negative");
    assertThat(blobs.contains(ContentId.of(bytes))).isFalse();
    fit.cancel(true);
  }

  @Test
  void aNodeCannotPileUpUnreferencedBlobsAndTheyAreCollectedWhenItsWorkEnds() throws Exception {
    Future<?> fit = giveFit("a");
    byte[] first = new byte[600];
    byte[] second = new byte[600];
    second[0] = 1;
    assertThat(upload("a", first, first.length)).isNull();
    assertThat(upload("a", second, second.length))
        .hasMessageContaining("RESOURCE_EXHAUSTED: node 'a' already has 600 bytes of uploads that no result names");
    assertThat(blobs.contains(ContentId.of(first))).isTrue();
    // the node's work ends without a result naming the blob: its next poll collects it
    stub.fail(dev.shoal.transport.proto.FailureReport.newBuilder().setNode("a").setReason("gave up")
        .setAssignment(dev.shoal.transport.proto.Assignment.newBuilder()
            .setKind(dev.shoal.transport.proto.Assignment.Kind.FIT).setRound(1)).build());
    stub.poll(NodeRef.newBuilder().setNode("a").build());
    assertThat(blobs.contains(ContentId.of(first))).isFalse();
    assertThat(fit).failsWithin(10, TimeUnit.SECONDS);
  }

  @Test
  void aResultThatIsNotAModelIsRefusedWithoutTheCoordinatorsPaths() throws Exception {
    Future<?> fit = giveFit("a");
    byte[] garbage = "not safetensors at all".getBytes();
    assertThat(upload("a", garbage, garbage.length)).isNull();
    Status s = refusal(() -> stub.submitFit(FitResult.newBuilder().setNode("a").setRound(1)
        .setUpdate(ContentId.of(garbage).value()).setNumExamples(10).build()));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).doesNotContain(dir.toString()).doesNotContain("/blobs/");
    fit.cancel(true);
  }

  /** Registers {@code node} and gives it a fit of round 1, which it has polled for. */
  Future<?> giveFit(String node) throws Exception {
    stub.register(RegisterRequest.newBuilder().setNode(node).build());
    ParameterSet global = new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[2])));
    CompletableFuture<Object> done = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        done.complete(clients.fit(new FitInstruction(node, 1, global, new FitConfig(1, 1, 0.1, 1), Outbound.PLAIN)));
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
    });
    while (!stub.poll(NodeRef.newBuilder().setNode(node).build()).hasAssignment()) {
      Thread.sleep(10);
    }
    return done;
  }

  /** Uploads {@code bytes} declaring {@code declared} bytes; returns the failure, or null if stored. */
  Throwable upload(String node, byte[] bytes, long declared) throws Exception {
    CompletableFuture<UploadReply> done = new CompletableFuture<>();
    StreamObserver<Chunk> out = FederationGrpc.newStub(channel).upload(new StreamObserver<>() {
      public void onNext(UploadReply v) {
        done.complete(v);
      }

      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      public void onCompleted() { }
    });
    out.onNext(Chunk.newBuilder().setContentId(ContentId.of(bytes).value()).setTotalSize(declared).setNode(node)
        .setOffset(0).setData(ByteString.copyFrom(bytes)).build());
    out.onCompleted();
    try {
      done.get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
