package dev.shoal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.shoal.round.RemoteClients;
import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.transport.proto.Assignment;
import dev.shoal.transport.proto.BlobRef;
import dev.shoal.transport.proto.CheckpointRequest;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.CosignRequest;
import dev.shoal.transport.proto.DownloadRequest;
import dev.shoal.transport.proto.EvaluationResult;
import dev.shoal.transport.proto.FailureReport;
import dev.shoal.transport.proto.FederationGrpc;
import dev.shoal.transport.proto.FitResult;
import dev.shoal.transport.proto.NodeRef;
import dev.shoal.transport.proto.NodeResources;
import dev.shoal.transport.proto.RegisterRequest;
import dev.shoal.transport.proto.SecAggAnswer;
import dev.shoal.transport.proto.StatusReply;
import dev.shoal.transport.proto.StatusRequest;
import dev.shoal.transport.proto.UploadReply;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Every RPC of the wire, called with arbitrary field values against a real coordinator server on
 * loopback: each call is answered with a status that names the caller's mistake (or succeeds),
 * never {@code UNKNOWN} or {@code INTERNAL}, and the server keeps serving.
 */
class RpcFuzzProperties {

  enum Rpc { REGISTER, HEARTBEAT, POLL, HAS_BLOB, DOWNLOAD, UPLOAD, SUBMIT_FIT, SUBMIT_SECAGG, SUBMIT_EVALUATION,
    FAIL, STATUS, CHECKPOINT, COSIGN }

  /** The values one call is built from; which ones it uses depends on the RPC. */
  record Fields(String node, String id, int round, long count, double x, double y, String text, byte[] data,
      int kind) {}

  /** Statuses that say what the caller did wrong, or that it must wait, or that all is well. */
  static final Set<Status.Code> EXPECTED = EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT,
      Status.Code.FAILED_PRECONDITION, Status.Code.NOT_FOUND, Status.Code.OUT_OF_RANGE,
      Status.Code.PERMISSION_DENIED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.ALREADY_EXISTS);

  static Path dir;
  static CoordinatorServer server;
  static ManagedChannel channel;
  static ContentId stored;

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("shoal-fuzz");
    var clients = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30));
    BlobStore blobs = BlobStore.open(dir);
    stored = blobs.put(new byte[] {1, 2, 3, 4});
    var service = new FederationService(clients, blobs, () -> StatusReply.newBuilder().setRun("fuzz").build(),
        Duration.ofSeconds(1), Duration.ofMillis(100)).limitUploads(1 << 16);
    // no rate limit in the way: every call reaches the checks under test
    server = CoordinatorServer.startInsecure("127.0.0.1", 0, service,
        new CallLimits.Settings(1e6, 1_000_000, 8, 64, Duration.ofMinutes(1), Duration.ofMinutes(1)));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    clients.register("a");
  }

  @AfterContainer
  static void stop() throws Exception {
    channel.shutdownNow();
    server.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Property(tries = 400)
  void everyCallGetsAStatusThatNamesTheProblem(@ForAll Rpc rpc, @ForAll("fields") Fields f) throws Exception {
    Status status = call(rpc, f);
    assertThat(status.getCode()).as("%s %s: %s", rpc, f, status).isIn(EXPECTED);
    if (status.getDescription() != null) {
      assertThat(status.getDescription()).as("%s", rpc).doesNotContain(dir.toString()).doesNotContain("\n");
    }
    assertThat(FederationGrpc.newBlockingStub(channel).status(StatusRequest.getDefaultInstance()).getRun())
        .isEqualTo("fuzz");
  }

  @Provide
  Arbitrary<Fields> fields() {
    Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of("a", "b", "", "site-1"),
        Arbitraries.strings().all().ofMaxLength(80), Arbitraries.strings().withChars("a\u0000\n/.<>").ofMaxLength(8));
    Arbitrary<String> ids = Arbitraries.oneOf(Arbitraries.of(stored.value(), ContentId.of(new byte[] {9}).value(), ""),
        Arbitraries.strings().withCharRange('0', 'g').ofLength(64).map(h -> "sha256:" + h),
        Arbitraries.strings().all().ofMaxLength(100));
    Arbitrary<Integer> rounds = Arbitraries.oneOf(Arbitraries.integers().between(-2, 3), Arbitraries.integers());
    Arbitrary<Long> counts = Arbitraries.oneOf(Arbitraries.longs().between(-2, 10), Arbitraries.longs());
    Arbitrary<Double> numbers = Arbitraries.oneOf(Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -1.0, 0.5),
        Arbitraries.doubles());
    Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    // the kind (an assignment's kind, which reply a secure-aggregation answer carries, how many
    // chunks an upload sends) follows from the data's length
    return Combinators.combine(names, ids, rounds, counts, numbers, numbers, names, data).as(
        (node, id, round, count, x, y, text, bytes) -> new Fields(node, id, round, count, x, y, text, bytes,
            bytes.length % 6 - 1));
  }

  static Status call(Rpc rpc, Fields f) throws Exception {
    var stub = FederationGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    try {
      switch (rpc) {
        case REGISTER -> stub.register(RegisterRequest.newBuilder().setNode(f.node()).setResources(
            NodeResources.newBuilder().setEngineThreads(f.round()).setThreadsFrom(f.text()).setCpuQuota(f.x())
                .setMemoryLimitBytes(f.count()).setMemoryFrom(f.text()).setNice(f.round())).build());
        case HEARTBEAT -> stub.heartbeat(NodeRef.newBuilder().setNode(f.node()).build());
        case POLL -> stub.poll(NodeRef.newBuilder().setNode(f.node()).build());
        case HAS_BLOB -> stub.hasBlob(BlobRef.newBuilder().setContentId(f.id()).build());
        case DOWNLOAD -> stub.download(DownloadRequest.newBuilder().setContentId(f.id()).setOffset(f.count()).build())
            .forEachRemaining(c -> { });
        case UPLOAD -> {
          return upload(f);
        }
        case SUBMIT_FIT -> stub.submitFit(FitResult.newBuilder().setNode(f.node()).setRound(f.round())
            .setUpdate(f.id()).setNumExamples(f.count()).putMetrics(f.text(), f.x()).setHeld(f.kind() == 1).build());
        case SUBMIT_SECAGG -> {
          var a = SecAggAnswer.newBuilder().setNode(f.node()).setRound(f.round()).setStage(f.text());
          if (f.kind() == 1) {
            a.setBlob(f.id());
          } else if (f.kind() == 2) {
            a.setInline(ByteString.copyFrom(f.data()));
          }
          stub.submitSecAgg(a.build());
        }
        case SUBMIT_EVALUATION -> stub.submitEvaluation(EvaluationResult.newBuilder().setNode(f.node())
            .setRound(f.round()).setNumExamples(f.count()).setLoss(f.x()).setAccuracy(f.y()).build());
        case FAIL -> stub.fail(FailureReport.newBuilder().setNode(f.node()).setReason(f.text()).setAssignment(
            Assignment.newBuilder().setKindValue(f.kind()).setRound(f.round()).setStage(f.text())
                .setBaseModel(f.id())).build());
        case STATUS -> stub.status(StatusRequest.getDefaultInstance());
        case CHECKPOINT -> stub.checkpoint(CheckpointRequest.newBuilder().setNode(f.node()).setLastSize(f.count())
            .build());
        case COSIGN -> stub.cosign(CosignRequest.newBuilder().setNode(f.node()).setSize(f.count())
            .setCosignerKey(f.text()).setSignatureLine(f.id()).build());
      }
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  static Status upload(Fields f) throws Exception {
    CompletableFuture<UploadReply> done = new CompletableFuture<>();
    StreamObserver<Chunk> out = FederationGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .upload(new StreamObserver<>() {
          public void onNext(UploadReply v) {
            done.complete(v);
          }

          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          public void onCompleted() {
            done.complete(null);
          }
        });
    for (int i = 0; i <= Math.max(0, f.kind()); i++) {
      out.onNext(Chunk.newBuilder().setContentId(i == 0 ? f.id() : "").setNode(i == 0 ? f.node() : "")
          .setTotalSize(f.count()).setOffset(i == 0 ? 0 : f.round()).setData(ByteString.copyFrom(f.data())).build());
    }
    out.onCompleted();
    try {
      done.get(20, TimeUnit.SECONDS);
      return Status.OK;
    } catch (ExecutionException e) {
      return Status.fromThrowable(e.getCause());
    }
  }
}
