package dev.shoal.transport;

import com.google.protobuf.ByteString;
import dev.shoal.node.Assignment;
import dev.shoal.node.CoordinatorLink;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.transport.proto.BlobRef;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.DownloadRequest;
import dev.shoal.transport.proto.EvaluationResult;
import dev.shoal.transport.proto.FailureReport;
import dev.shoal.transport.proto.FederationGrpc;
import dev.shoal.transport.proto.FitResult;
import dev.shoal.transport.proto.NodeRef;
import dev.shoal.transport.proto.PollReply;
import dev.shoal.transport.proto.RegisterRequest;
import dev.shoal.transport.proto.StatusReply;
import dev.shoal.transport.proto.StatusRequest;
import dev.shoal.transport.proto.UploadReply;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A node's gRPC connection to its coordinator. The node dials out and never listens. Calls
 * that fail because the coordinator is unreachable or restarting become {@link IOException}s,
 * so the node agent backs off and registers again. The last downloaded model is kept, so a
 * node that already holds a model id does not fetch it again.
 */
public final class GrpcCoordinatorLink implements CoordinatorLink, AutoCloseable {

  private static final long UNARY_SECONDS = 30;
  private static final long TRANSFER_MINUTES = 30;

  private final ManagedChannel channel;
  private final FederationGrpc.FederationBlockingStub blocking;
  private final FederationGrpc.FederationStub async;
  private ContentId cachedId;
  private ParameterSet cachedModel;

  /** A plaintext connection; only for deployments that accept it ({@code --insecure}). */
  public static GrpcCoordinatorLink insecure(String host, int port) {
    return new GrpcCoordinatorLink(NettyChannelBuilder.forAddress(host, port).usePlaintext()
        .maxInboundMessageSize(Wire.MAX_MESSAGE_BYTES).build());
  }

  public GrpcCoordinatorLink(ManagedChannel channel) {
    this.channel = channel;
    this.blocking = FederationGrpc.newBlockingStub(channel);
    this.async = FederationGrpc.newStub(channel);
  }

  private FederationGrpc.FederationBlockingStub unary() {
    return blocking.withDeadlineAfter(UNARY_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void register(String node) throws IOException {
    call(() -> unary().register(RegisterRequest.newBuilder().setNode(node).build()));
  }

  @Override
  public void heartbeat(String node) throws IOException {
    call(() -> unary().heartbeat(NodeRef.newBuilder().setNode(node).build()));
  }

  @Override
  public Optional<Assignment> poll(String node) throws IOException {
    PollReply reply = call(() -> unary().poll(NodeRef.newBuilder().setNode(node).build()));
    if (reply.getFinished()) {
      return Optional.of(Assignment.stop());
    }
    if (!reply.hasAssignment()) {
      return Optional.empty();
    }
    var a = reply.getAssignment();
    ContentId base = new ContentId(a.getBaseModel());
    return Optional.of(switch (a.getKind()) {
      case FIT -> new Assignment(Assignment.Kind.FIT, a.getRound(), base,
          new FitConfig(a.getEpochs(), a.getBatchSize(), a.getLearningRate(), a.getSeed()));
      case EVALUATE -> new Assignment(Assignment.Kind.EVALUATE, a.getRound(), base, null);
      default -> throw new IOException("coordinator sent an assignment of unknown kind " + a.getKind());
    });
  }

  @Override
  public synchronized ParameterSet model(ContentId id) throws IOException {
    if (!id.equals(cachedId)) {
      byte[] bytes = download(id);
      ContentId actual = ContentId.of(bytes);
      if (!actual.equals(id)) {
        throw new IOException("downloaded model hashes to %s, expected %s".formatted(actual, id));
      }
      cachedModel = Safetensors.decode(bytes, "model " + id);
      cachedId = id;
    }
    return cachedModel;
  }

  /** Downloads a blob, resuming from the last byte received if the stream breaks. */
  byte[] download(ContentId id) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        Iterator<Chunk> chunks = blocking.withDeadlineAfter(TRANSFER_MINUTES, TimeUnit.MINUTES)
            .download(DownloadRequest.newBuilder().setContentId(id.value()).setOffset(out.size()).build());
        while (chunks.hasNext()) {
          Chunk c = chunks.next();
          if (c.getOffset() != out.size()) {
            throw new IOException("chunk at offset %d, expected %d".formatted(c.getOffset(), out.size()));
          }
          c.getData().writeTo(out);
        }
        return out.toByteArray();
      } catch (StatusRuntimeException e) {
        last = asIo(e);
        if (!retryable(e)) {
          throw last;
        }
      }
    }
    throw last;
  }

  /** Uploads a blob in chunks unless the coordinator already has it; returns its id. */
  ContentId upload(byte[] bytes) throws IOException {
    ContentId id = ContentId.of(bytes);
    if (call(() -> unary().hasBlob(BlobRef.newBuilder().setContentId(id.value()).build())).getPresent()) {
      return id;
    }
    CompletableFuture<UploadReply> done = new CompletableFuture<>();
    StreamObserver<Chunk> out = async.withDeadlineAfter(TRANSFER_MINUTES, TimeUnit.MINUTES)
        .upload(new StreamObserver<>() {
          @Override
          public void onNext(UploadReply value) {
            done.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    for (int offset = 0; offset == 0 || offset < bytes.length; offset += Wire.CHUNK_BYTES) {
      int n = Math.min(Wire.CHUNK_BYTES, bytes.length - offset);
      Chunk.Builder c = Chunk.newBuilder().setOffset(offset).setData(ByteString.copyFrom(bytes, offset, n));
      if (offset == 0) {
        c.setContentId(id.value()).setTotalSize(bytes.length);
      }
      out.onNext(c.build());
      if (bytes.length == 0) {
        break;
      }
    }
    out.onCompleted();
    try {
      done.get();
      return id;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while uploading " + id);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException s ? asIo(s) : new IOException(e.getCause());
    }
  }

  @Override
  public String submitFit(String node, int round, ParameterSet update, long numExamples, Map<String, Double> metrics)
      throws IOException {
    ContentId id = upload(Safetensors.encode(update));
    return call(() -> unary().submitFit(FitResult.newBuilder().setNode(node).setRound(round).setUpdate(id.value())
        .setNumExamples(numExamples).putAllMetrics(metrics).build())).getVerdict().name();
  }

  @Override
  public String submitEvaluation(String node, int round, Evaluation e) throws IOException {
    return call(() -> unary().submitEvaluation(EvaluationResult.newBuilder().setNode(node).setRound(round)
        .setNumExamples(e.numExamples()).setLoss(e.loss()).setAccuracy(e.accuracy()).build())).getVerdict().name();
  }

  @Override
  public void fail(String node, Assignment a, String reason) throws IOException {
    var assignment = a.kind() == Assignment.Kind.FIT
        ? Wire.fit(a.round(), a.baseModel(), a.config()) : Wire.evaluate(a.round(), a.baseModel());
    call(() -> unary().fail(FailureReport.newBuilder().setNode(node).setAssignment(assignment).setReason(reason).build()));
  }

  /** The coordinator's view of runs and nodes. */
  public StatusReply status() throws IOException {
    return call(() -> unary().status(StatusRequest.getDefaultInstance()));
  }

  private interface Call<T> {
    T run();
  }

  private static <T> T call(Call<T> c) throws IOException {
    try {
      return c.run();
    } catch (StatusRuntimeException e) {
      throw asIo(e);
    }
  }

  private static boolean retryable(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED -> true;
      default -> false;
    };
  }

  private static IOException asIo(StatusRuntimeException e) {
    String d = e.getStatus().getDescription();
    return new IOException(e.getStatus().getCode() + (d == null ? "" : ": " + d), e);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
