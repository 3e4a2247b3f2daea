package dev.shoal.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.shoal.federation.LedgerWitness;
import dev.shoal.federation.RunStatus;
import dev.shoal.node.Assignment;
import dev.shoal.node.CoordinatorLink;
import dev.shoal.node.RefusedException;
import dev.shoal.node.RejectedException;
import dev.shoal.node.TryLaterException;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.store.BlobStore;
import dev.shoal.transport.tls.KitMaterial;
import dev.shoal.transport.tls.Tls;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.transport.proto.CheckpointRequest;
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
import dev.shoal.transport.proto.SecAggAnswer;
import dev.shoal.transport.proto.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A node's gRPC connection to its coordinator. The node dials out and never listens. A call
 * the coordinator refuses for load ({@code RESOURCE_EXHAUSTED}, with its retry-after trailer) or
 * that finds it unavailable becomes a {@link TryLaterException}, so the node keeps finished work
 * and tries again; other failures become {@link IOException}s, and the agent backs off and
 * registers again. Models and updates pass through a blob store
 * on disk in chunks, never whole in one message or buffer; the current global model stays there
 * (and in memory), so a node that already holds a model id does not fetch it again.
 */
public final class GrpcCoordinatorLink implements CoordinatorLink, AutoCloseable {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GrpcCoordinatorLink.class);
  /** Uploads the coordinator refuses for lack of space are tried this often, then reported as failed. */
  static final int NO_ROOM_ATTEMPTS = 3;
  /** The wait before the second attempt; it doubles for each further one. */
  static final long NO_ROOM_BACKOFF_MILLIS = 1000;
  private static final long UNARY_SECONDS = 30;
  private static final long TRANSFER_MINUTES = 30;

  private final ManagedChannel channel;
  private final FederationGrpc.FederationBlockingStub blocking;
  private final FederationGrpc.FederationStub async;
  private final BlobStore cache;
  private final Path temporaryCache;
  private ContentId cachedId;
  private ParameterSet cachedModel;
  private volatile dev.shoal.transport.proto.NodeResources resources;

  /** A plaintext connection; only for deployments that accept it ({@code --insecure}). */
  public static GrpcCoordinatorLink insecure(String host, int port) throws IOException {
    return insecure(host, port, null);
  }

  /**
   * A plaintext connection whose model cache lives in {@code stateDir}, kept across restarts; a
   * {@code null} directory means a temporary one, removed on {@link #close}.
   */
  public static GrpcCoordinatorLink insecure(String host, int port, Path stateDir) throws IOException {
    return new GrpcCoordinatorLink(NettyChannelBuilder.forAddress(host, port).usePlaintext()
        .maxInboundMessageSize(Wire.MAX_MESSAGE_BYTES).build(), stateDir);
  }

  /**
   * A mutual-TLS connection with this participant's kit: the server must hold the federation's
   * coordinator certificate for {@code host}.
   */
  public static GrpcCoordinatorLink tls(String host, int port, KitMaterial kit, Path stateDir) throws IOException {
    return new GrpcCoordinatorLink(NettyChannelBuilder.forAddress(host, port).sslContext(Tls.client(kit))
        .maxInboundMessageSize(Wire.MAX_MESSAGE_BYTES).build(), stateDir);
  }

  public GrpcCoordinatorLink(ManagedChannel channel, Path stateDir) throws IOException {
    this.temporaryCache = stateDir == null ? Files.createTempDirectory("shoal-node") : null;
    this.cache = BlobStore.open(stateDir == null ? temporaryCache : stateDir);
    cache.removeTemporaryFiles();
    this.channel = channel;
    this.blocking = FederationGrpc.newBlockingStub(channel);
    this.async = FederationGrpc.newStub(channel);
  }

  private FederationGrpc.FederationBlockingStub unary() {
    return blocking.withDeadlineAfter(UNARY_SECONDS, TimeUnit.SECONDS);
  }

  /** Tells the coordinator, with every registration, what this node runs with. */
  public GrpcCoordinatorLink announce(dev.shoal.federation.Resources resources) {
    this.resources = ResourcesWire.toProto(resources);
    return this;
  }

  @Override
  public void register(String node) throws IOException {
    RegisterRequest.Builder request = RegisterRequest.newBuilder().setNode(node);
    if (resources != null) {
      request.setResources(resources);
    }
    call(() -> unary().register(request.build()));
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
    java.time.Instant deadline = a.getTimeLeftMillis() > 0
        ? java.time.Instant.now().plusMillis(a.getTimeLeftMillis()) : null;
    try {
      return Optional.of((switch (a.getKind()) {
        case FIT -> Assignment.fit(a.getRound(), new ContentId(a.getBaseModel()),
            TrainingWire.config(a).withSettings(SettingsWire.fromProto(a.getSettingsMap())), Wire.outbound(a));
        case EVALUATE -> new Assignment(Assignment.Kind.EVALUATE, a.getRound(), new ContentId(a.getBaseModel()), null);
        case SECAGG -> Assignment.secagg(a.getRound(), a.getStage(), a.getRequest().toByteArray());
        default -> throw new IOException("coordinator sent an assignment of unknown kind " + a.getKind());
      }).withDeadline(deadline));
    } catch (IllegalArgumentException e) {
      throw new IOException("coordinator sent an assignment this node cannot read: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized ParameterSet model(ContentId id) throws IOException {
    if (!id.equals(cachedId)) {
      if (!cache.contains(id)) {
        download(id);
      }
      ParameterSet model = cache.readModel(id);
      if (cachedId != null) {
        cache.delete(cachedId);
      }
      cachedModel = model;
      cachedId = id;
    }
    return cachedModel;
  }

  /**
   * Downloads a blob into the cache, straight to disk, resuming from the last byte received if
   * the stream breaks; the cache checks that the bytes hash to {@code id}.
   */
  void download(ContentId id) throws IOException {
    ContentId actual = cache.put(out -> {
      long received = 0;
      IOException last = null;
      for (int attempt = 0; attempt < 5; attempt++) {
        try {
          Iterator<Chunk> chunks = blocking.withDeadlineAfter(TRANSFER_MINUTES, TimeUnit.MINUTES)
              .download(DownloadRequest.newBuilder().setContentId(id.value()).setOffset(received).build());
          while (chunks.hasNext()) {
            Chunk c = chunks.next();
            if (c.getOffset() != received) {
              throw new IOException("chunk at offset %d, expected %d".formatted(c.getOffset(), received));
            }
            c.getData().writeTo(out);
            received += c.getData().size();
          }
          return;
        } catch (StatusRuntimeException e) {
          last = asIo(e);
          if (!retryable(e)) {
            throw last;
          }
        }
      }
      throw last;
    });
    if (!actual.equals(id)) {
      cache.delete(actual);
      throw new IOException("downloaded model hashes to %s, expected %s".formatted(actual, id));
    }
  }

  /** Uploads a stored blob in chunks unless the coordinator already has it; names no node. */
  void upload(ContentId id) throws IOException {
    upload(id, "");
  }

  /** Uploads a stored blob for {@code node}'s work in chunks unless the coordinator already has it. */
  void upload(ContentId id, String node) throws IOException {
    if (call(() -> unary().hasBlob(BlobRef.newBuilder().setContentId(id.value()).build())).getPresent()) {
      return;
    }
    var upload = new ChunkUpload();
    StreamObserver<Chunk> out = async.withDeadlineAfter(TRANSFER_MINUTES, TimeUnit.MINUTES).upload(upload);
    long size = cache.size(id);
    try (InputStream in = cache.open(id)) {
      long offset = 0;
      do {
        byte[] data = in.readNBytes(Wire.SENT_CHUNK_BYTES);
        // a new array for each chunk, never written again: wrapped, not copied
        Chunk.Builder c = Chunk.newBuilder().setOffset(offset).setData(UnsafeByteOperations.unsafeWrap(data));
        if (offset == 0) {
          c.setContentId(id.value()).setTotalSize(size).setNode(node);
        }
        upload.awaitReady();
        out.onNext(c.build());
        offset += data.length;
      } while (offset < size);
    } catch (IOException | RuntimeException e) {
      out.onError(e);
      throw e;
    }
    out.onCompleted();
    upload.await(id);
  }

  @Override
  public String submitFit(String node, int round, ParameterSet update, long numExamples, Map<String, Double> metrics)
      throws IOException {
    if (closed()) {
      throw new IOException("the link to the coordinator is closed");
    }
    ContentId id = cache.putModel(update);
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          upload(id, node);
          break;
        } catch (TryLaterException e) {
          if (!lacksSpace(e)) {
            throw e;
          }
          if (attempt == NO_ROOM_ATTEMPTS) {
            // tell the coordinator, so its round goes on without this update instead of waiting for it
            String reason = "the coordinator had no room for the update (" + attempt + " attempts): " + e.getMessage();
            log.warn("update not accepted, reported as failed node={} round={} reason=\"{}\"", node, round, reason);
            call(() -> unary().fail(FailureReport.newBuilder().setNode(node).setReason(reason)
                .setAssignment(dev.shoal.transport.proto.Assignment.newBuilder()
                    .setKind(dev.shoal.transport.proto.Assignment.Kind.FIT).setRound(round)).build()));
            return "NO_ROOM";
          }
          long wait = NO_ROOM_BACKOFF_MILLIS << (attempt - 1);
          log.warn("coordinator has no room for the update, retrying node={} round={} attempt={} retry_in_ms={}"
              + " reason=\"{}\"", node, round, attempt, wait, e.getMessage());
          try {
            Thread.sleep(wait);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to upload again");
          }
        }
      }
    } finally {
      cache.delete(id);
    }
    return call(() -> unary().submitFit(FitResult.newBuilder().setNode(node).setRound(round).setUpdate(id.value())
        .setNumExamples(numExamples).putAllMetrics(metrics).build())).getVerdict().name();
  }

  @Override
  public String submitHeldFit(String node, int round, long numExamples, Map<String, Double> metrics)
      throws IOException {
    return call(() -> unary().submitFit(FitResult.newBuilder().setNode(node).setRound(round).setHeld(true)
        .setNumExamples(numExamples).putAllMetrics(metrics).build())).getVerdict().name();
  }

  /**
   * Sends a reply of up to {@link Wire#SECAGG_INLINE_BYTES} inside the message; a larger one is
   * uploaded as a blob first (in chunks, like an update) and named by its content id.
   */
  @Override
  public String submitSecAgg(String node, int round, String stage, byte[] reply) throws IOException {
    SecAggAnswer.Builder answer = SecAggAnswer.newBuilder().setNode(node).setRound(round).setStage(stage);
    if (reply.length <= Wire.SECAGG_INLINE_BYTES) {
      answer.setInline(ByteString.copyFrom(reply));
    } else {
      ContentId id = cache.put(reply);
      try {
        upload(id, node);
      } finally {
        if (!id.equals(cachedId)) {
          cache.delete(id);
        }
      }
      answer.setBlob(id.value());
    }
    return call(() -> unary().submitSecAgg(answer.build())).getVerdict().name();
  }

  @Override
  public String submitEvaluation(String node, int round, Evaluation e) throws IOException {
    return call(() -> unary().submitEvaluation(EvaluationResult.newBuilder().setNode(node).setRound(round)
        .setNumExamples(e.numExamples()).setLoss(e.loss()).setAccuracy(e.accuracy()).putAllMetrics(e.metrics()).build())).getVerdict().name();
  }

  @Override
  public void fail(String node, Assignment a, String reason) throws IOException {
    var assignment = switch (a.kind()) {
      case FIT -> Wire.fit(a.round(), a.baseModel(), a.config(), a.outbound());
      case SECAGG -> Wire.secagg(a.round(), a.stage(), null);
      default -> Wire.evaluate(a.round(), a.baseModel());
    };
    call(() -> unary().fail(FailureReport.newBuilder().setNode(node).setAssignment(assignment).setReason(reason).build()));
  }

  @Override
  public Optional<LedgerWitness.Offer> checkpoint(String node, long lastSize) throws IOException {
    return LedgerWire.offer(call(() -> unary().checkpoint(
        CheckpointRequest.newBuilder().setNode(node).setLastSize(lastSize).build())));
  }

  @Override
  public String cosign(String node, LedgerWitness.Cosignature cosignature) throws IOException {
    return call(() -> unary().cosign(LedgerWire.request(node, cosignature))).getVerdict().name();
  }

  /** The coordinator's view of runs and nodes. */
  public RunStatus status() throws IOException {
    return StatusWire.fromProto(call(() -> unary().status(StatusRequest.getDefaultInstance())));
  }

  private interface Call<T> {
    T run();
  }

  private <T> T call(Call<T> c) throws IOException {
    try {
      return c.run();
    } catch (StatusRuntimeException e) {
      throw closed() ? new IOException("the link to the coordinator is closed", e) : asIo(e);
    }
  }

  /** This link was closed: nothing will go through it again, so nothing is worth retrying. */
  private boolean closed() {
    return channel.isShutdown();
  }

  /**
   * A refusal for want of space in the coordinator's state directory: {@code RESOURCE_EXHAUSTED}
   * without a retry-after. Unlike load it does not pass by itself, so an update refused for it is
   * tried {@link #NO_ROOM_ATTEMPTS} times and then reported as failed, and the round goes on
   * without it instead of waiting for it until the deadline.
   */
  private static boolean lacksSpace(TryLaterException e) {
    return e.why() == TryLaterException.Why.BUSY && e.retryAfter().isEmpty();
  }

  private static boolean retryable(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED -> true;
      default -> false;
    };
  }

  static IOException asIo(StatusRuntimeException e) {
    String d = e.getStatus().getDescription();
    String message = e.getStatus().getCode() + (d == null ? "" : ": " + d);
    Throwable certificate = certificateFailure(e);
    if (certificate != null) {
      // a certificate check that failed on this side: this client refused the server, not the other way round;
      // gRPC reports it as UNAVAILABLE or UNKNOWN depending on when the handshake broke
      return new RefusedException("this node refused the server's certificate: " + certificate.getMessage()
          + " (is another federation's coordinator, or something else, listening at that address?)", e);
    }
    return switch (e.getStatus().getCode()) {
      case UNAUTHENTICATED, PERMISSION_DENIED -> new RefusedException(message, e);
      case INVALID_ARGUMENT -> new RejectedException(message, e);
      case RESOURCE_EXHAUSTED -> new TryLaterException(TryLaterException.Why.BUSY, message,
          Wire.retryAfter(e.getTrailers()).orElse(null), e);
      case UNAVAILABLE -> new TryLaterException(TryLaterException.Why.UNAVAILABLE, message, null, e);
      case DEADLINE_EXCEEDED -> new TryLaterException(TryLaterException.Why.NO_ANSWER, message, null, e);
      default -> new IOException(message, e);
    };
  }

  /** The certificate check that failed a TLS handshake, if that is why the call failed. */
  private static Throwable certificateFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertificateException) {
        return t;
      }
    }
    return null;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (temporaryCache != null) {
      deleteTree(temporaryCache);
    }
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind holds nothing the node needs
    }
  }
}
