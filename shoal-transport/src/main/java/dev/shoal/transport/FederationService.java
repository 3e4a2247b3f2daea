package dev.shoal.transport;

import dev.shoal.federation.CheckpointService;
import dev.shoal.federation.RunStatus;
import dev.shoal.pki.Role;
import dev.shoal.round.RemoteClients;
import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.train.Evaluation;
import dev.shoal.transport.tls.CallerIdentity;
import dev.shoal.transport.tls.Identity;
import dev.shoal.transport.proto.Assignment;
import dev.shoal.transport.proto.BlobRef;
import dev.shoal.transport.proto.CheckpointReply;
import dev.shoal.transport.proto.CheckpointRequest;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.CosignRequest;
import dev.shoal.transport.proto.DownloadRequest;
import dev.shoal.transport.proto.EvaluationResult;
import dev.shoal.transport.proto.FailureReport;
import dev.shoal.transport.proto.FederationGrpc;
import dev.shoal.transport.proto.FitResult;
import dev.shoal.transport.proto.HasBlobReply;
import dev.shoal.transport.proto.HeartbeatReply;
import dev.shoal.transport.proto.NodeRef;
import dev.shoal.transport.proto.PollReply;
import dev.shoal.transport.proto.Receipt;
import dev.shoal.transport.proto.SecAggAnswer;
import dev.shoal.transport.proto.RegisterReply;
import dev.shoal.transport.proto.RegisterRequest;
import dev.shoal.transport.proto.StatusReply;
import dev.shoal.transport.proto.StatusRequest;
import dev.shoal.transport.proto.UploadReply;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's side of the wire: maps each RPC onto {@link RemoteClients} (the engine's
 * port) and the {@link BlobStore}. Models and updates travel as content-addressed blobs in
 * chunks, so no message is larger than {@link Wire#MAX_MESSAGE_BYTES}.
 */
public final class FederationService extends FederationGrpc.FederationImplBase {

  private static final Logger log = LoggerFactory.getLogger(FederationService.class);

  private final RemoteClients clients;
  private final BlobStore blobs;
  private final Supplier<RunStatus> status;
  private final Duration heartbeat;
  private final Duration poll;
  private Set<String> allowed = Set.of();
  private volatile long maxUploadBytes = Long.MAX_VALUE;
  private UploadAccounts uploads;
  private volatile long reserveBytes = DiskSpace.RESERVE_BYTES;
  private CheckpointExchange ledger = new CheckpointExchange(null);
  private ResultListener results = (node, round, update, numExamples, metrics) -> { };
  private final ServedModel model;
  private final FitSubmissions fits;
  private final SecAggSubmissions secAgg;
  private final LastDownload lastDownload;

  public FederationService(
      RemoteClients clients, BlobStore blobs, Supplier<RunStatus> status, Duration heartbeat, Duration poll) {
    this.clients = clients;
    this.blobs = blobs;
    this.model = new ServedModel(blobs);
    this.fits = new FitSubmissions(clients, blobs, model);
    this.secAgg = new SecAggSubmissions(clients, blobs, model);
    this.lastDownload = new LastDownload(blobs);
    this.status = status;
    this.heartbeat = heartbeat;
    this.poll = poll;
    this.uploads = new UploadAccounts(clients, true);
  }

  /** Told of every fit result the engine accepted, with the id of the uploaded update. */
  public interface ResultListener {
    void accepted(String node, int round, ContentId update, long numExamples, java.util.Map<String, Double> metrics);
  }

  /** Tells {@code listener} of every accepted fit result (for the coordinator's bookkeeping). */
  public FederationService onResult(ResultListener listener) {
    this.results = listener;
    return this;
  }

  /**
   * Refuses uploads larger than {@code bytes} (an update is about the size of the global model),
   * or than twice that from a relay, whose update carries its exact partial sum beside its mean
   * ({@link dev.shoal.strategy.SubtreeSum}: four model sizes). May be called again while serving,
   * when the model's size becomes known or changes (a relay learns it from its parent's rounds).
   */
  public FederationService limitUploads(long bytes) {
    this.maxUploadBytes = bytes;
    return this;
  }

  /**
   * Accepts uploads from any caller, whether or not it holds work that takes one: only for tests
   * of the chunked transfer itself. A coordinator never calls this.
   */
  public FederationService acceptAnyUpload() {
    this.uploads = new UploadAccounts(clients, false);
    return this;
  }

  /**
   * Keeps {@code bytes} free in the blob store's file system beyond what an upload needs (default
   * {@link DiskSpace#RESERVE_BYTES}): an upload that would leave less is refused with {@code
   * RESOURCE_EXHAUSTED}. May change while the service runs.
   */
  public FederationService reserveFreeSpace(long bytes) {
    this.reserveBytes = bytes;
    return this;
  }

  /** Serves the run's ledger checkpoints to nodes and takes their cosignatures. */
  public FederationService witnessedBy(CheckpointService checkpoints) {
    this.ledger = new CheckpointExchange(checkpoints);
    return this;
  }

  /** Admits only these node names (empty: any); checked when a node registers and on every call. */
  public FederationService admitOnly(Set<String> names) {
    this.allowed = Set.copyOf(names);
    return this;
  }

  /**
   * Whether the caller may act as {@code node}: on a TLS server only with that node's own
   * certificate; anywhere only if the allow-list admits the name. A refusal is logged and sent.
   */
  private boolean authorized(String method, String node, StreamObserver<?> out) {
    Identity caller = CallerIdentity.current();
    String reason = null;
    if (caller != null && !caller.role().trains()) {
      reason = "a " + caller.role().label() + " certificate cannot act as a node";
    } else if (caller != null && !caller.name().equals(node)) {
      reason = "the certificate of '" + caller.name() + "' cannot act for node '" + node + "'";
    } else if (!allowed.isEmpty() && !allowed.contains(node)) {
      reason = "node '" + node + "' is not on this run's allow-list";
    }
    if (reason == null) {
      return true;
    }
    log.warn("call refused method={} caller={} node={} reason=\"{}\"", method, caller, node, reason);
    out.onError(Status.PERMISSION_DENIED.withDescription(reason).asRuntimeException());
    return false;
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterReply> out) {
    if (request.getNode().isBlank()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("node name must not be empty").asRuntimeException());
      return;
    }
    if (!authorized("Register", request.getNode(), out)) {
      return;
    }
    clients.register(request.getNode());
    if (request.hasResources()) {
      ResourcesWire.fromProto(request.getResources()).ifPresent(r -> clients.describe(request.getNode(), r));
    }
    log.info("node registered node={}", request.getNode());
    Wire.reply(out, RegisterReply.newBuilder().setHeartbeatMillis(heartbeat.toMillis()).setPollMillis(poll.toMillis())
        .build());
  }

  @Override
  public void heartbeat(NodeRef request, StreamObserver<HeartbeatReply> out) {
    if (!authorized("Heartbeat", request.getNode(), out)) {
      return;
    }
    try {
      clients.heartbeat(request.getNode());
      Wire.reply(out, HeartbeatReply.getDefaultInstance());
    } catch (IllegalArgumentException e) {
      out.onError(Wire.notFound(e.getMessage()));
    }
  }

  @Override
  public void poll(NodeRef request, StreamObserver<PollReply> out) {
    if (!authorized("Poll", request.getNode(), out)) {
      return;
    }
    try {
      var work = clients.poll(request.getNode());
      collectUploads(request.getNode(), work.orElse(null) instanceof RemoteClients.Work.Stop);
      PollReply.Builder reply = PollReply.newBuilder();
      switch (work.orElse(null)) {
        case null -> { }
        case RemoteClients.Work.Stop s -> reply.setFinished(true);
        case RemoteClients.Work.Fit f -> reply.setAssignment(Wire.withTimeLeft(Wire.fit(f.round(),
            model.store(f.instruction().global()), f.instruction().config(), f.instruction().outbound()),
            clients.timeLeft(request.getNode(), f)));
        case RemoteClients.Work.Evaluate e -> reply.setAssignment(Wire.withTimeLeft(
            Wire.evaluate(e.round(), model.store(e.global())), clients.timeLeft(request.getNode(), e)));
        case RemoteClients.Work.SecAgg g -> {
          if (g.request().length > Wire.SECAGG_INLINE_BYTES) {
            String reason = "secure-aggregation request of %d bytes exceeds the wire's limit of %d bytes"
                .formatted(g.request().length, Wire.SECAGG_INLINE_BYTES);
            log.error("secure-aggregation stage not sent node={} round={} stage={} reason=\"{}\"",
                request.getNode(), g.round(), g.stage(), reason);
            clients.failSecAgg(request.getNode(), g.round(), g.stage(), reason);
          } else {
            Assignment a = Wire.secagg(g.round(), g.stage(), g.request());
            clients.recordTraffic(a.getSerializedSize(), 0);
            reply.setAssignment(a);
          }
        }
      }
      Wire.reply(out, reply.build());
    } catch (IllegalArgumentException e) {
      out.onError(Wire.notFound(e.getMessage()));
    } catch (IOException e) {
      log.error("cannot store global model reason=\"{}\"", e.getMessage());
      out.onError(Status.INTERNAL.withDescription("cannot store the global model").asRuntimeException());
    }
  }

  /** Deletes the blobs {@code node} uploaded that no result named, once it holds no work that takes one. */
  private void collectUploads(String node, boolean runOver) throws IOException {
    for (ContentId id : uploads.collect(node, runOver)) {
      model.deleteUnlessModel(id);
      log.info("unreferenced upload deleted node={} content_id={}", node, id);
    }
  }

  @Override
  public void hasBlob(BlobRef request, StreamObserver<HasBlobReply> out) {
    ContentId id = Wire.contentId(request.getContentId());
    try {
      boolean present = blobs.contains(id);
      Wire.reply(out, HasBlobReply.newBuilder().setPresent(present).setSize(present ? blobs.size(id) : 0).build());
    } catch (IOException e) {
      out.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void download(DownloadRequest request, StreamObserver<Chunk> out) {
    ContentId id = Wire.contentId(request.getContentId());
    if (!blobs.contains(id)) {
      out.onError(Wire.notFound("no blob " + id));
      return;
    }
    try {
      if (request.getOffset() > blobs.size(id)) {
        out.onError(Status.OUT_OF_RANGE.withDescription("offset %d is past the end of %s (%d bytes)"
            .formatted(request.getOffset(), id, blobs.size(id))).asRuntimeException());
        return;
      }
    } catch (IOException e) {
      out.onError(Wire.notFound("no blob " + id));
      return;
    }
    var call = (ServerCallStreamObserver<Chunk>) out;
    try {
      byte[] bytes = lastDownload.bytes(id);
      (bytes != null ? new ChunkSender(clients, call, bytes, request.getOffset())
          : new ChunkSender(clients, call, () -> blobs.open(id), request.getOffset())).start();
    } catch (IOException e) {
      log.error("cannot read a blob for download content_id={} reason=\"{}\"", id, e.getMessage());
      out.onError(Status.INTERNAL.withDescription("the coordinator cannot read " + id + "; it logged why")
          .asRuntimeException());
    }
  }

  @Override
  public StreamObserver<Chunk> upload(StreamObserver<UploadReply> out) {
    Identity caller = CallerIdentity.current();
    long limit = caller != null && caller.role() == Role.RELAY && maxUploadBytes < Long.MAX_VALUE / 2
        ? 2 * maxUploadBytes : maxUploadBytes;
    return new ChunkReceiver(out, blobs, clients, limit, uploads, reserveBytes);
  }

  @Override
  public void submitFit(FitResult request, StreamObserver<Receipt> out) {
    if (!authorized("SubmitFit", request.getNode(), out)) {
      return;
    }
    fits.submit(request, out, uploads, results);
  }

  /** A node's reply to a stage of secure aggregation, inline or uploaded as a blob ({@link SecAggSubmissions}). */
  @Override
  public void submitSecAgg(SecAggAnswer request, StreamObserver<Receipt> out) {
    if (!authorized("SubmitSecAgg", request.getNode(), out)) {
      return;
    }
    secAgg.submit(request, out, uploads, maxUploadBytes);
  }

  @Override
  public void submitEvaluation(EvaluationResult r, StreamObserver<Receipt> out) {
    if (!authorized("SubmitEvaluation", r.getNode(), out)) {
      return;
    }
    try {
      var e = new Evaluation(r.getNumExamples(), r.getLoss(), r.getAccuracy(), r.getMetricsMap());
      Wire.reply(out, Wire.receipt(clients.submitEvaluation(r.getNode(), r.getRound(), e)));
    } catch (IllegalArgumentException e) {
      out.onError(Wire.notFound(e.getMessage()));
    }
  }

  @Override
  public void fail(FailureReport r, StreamObserver<Receipt> out) {
    if (!authorized("Fail", r.getNode(), out)) {
      return;
    }
    try {
      Assignment a = r.getAssignment();
      RemoteClients.Receipt receipt = switch (a.getKind()) {
        case EVALUATE -> clients.failEvaluation(r.getNode(), a.getRound(), r.getReason());
        case SECAGG -> clients.failSecAgg(r.getNode(), a.getRound(), a.getStage(), r.getReason());
        default -> clients.failFit(r.getNode(), a.getRound(), r.getReason());
      };
      Wire.reply(out, Wire.receipt(receipt));
    } catch (IllegalArgumentException e) {
      out.onError(Wire.notFound(e.getMessage()));
    }
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusReply> out) {
    Wire.reply(out, StatusWire.toProto(status.get()));
  }

  @Override
  public void checkpoint(CheckpointRequest request, StreamObserver<CheckpointReply> out) {
    if (!authorized("Checkpoint", request.getNode(), out)) {
      return;
    }
    ledger.checkpoint(request, out);
  }

  @Override
  public void cosign(CosignRequest request, StreamObserver<Receipt> out) {
    if (!authorized("Cosign", request.getNode(), out)) {
      return;
    }
    ledger.cosign(request, out);
  }
}
