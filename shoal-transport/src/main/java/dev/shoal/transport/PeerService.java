package dev.shoal.transport;

import dev.shoal.peer.Ballot;
import dev.shoal.peer.Decision;
import dev.shoal.peer.PeerInfo;
import dev.shoal.peer.PeerPort;
import dev.shoal.peer.Promise;
import dev.shoal.peer.UpdateOffer;
import dev.shoal.peer.Vote;
import dev.shoal.pki.Role;
import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.transport.proto.AcceptRequest;
import dev.shoal.transport.proto.BallotRequest;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.DecisionList;
import dev.shoal.transport.proto.DecisionMessage;
import dev.shoal.transport.proto.DecisionsRequest;
import dev.shoal.transport.proto.DownloadRequest;
import dev.shoal.transport.proto.PeerAck;
import dev.shoal.transport.proto.PeerView;
import dev.shoal.transport.proto.PeersGrpc;
import dev.shoal.transport.proto.PromiseReply;
import dev.shoal.transport.proto.VoteReply;
import dev.shoal.transport.tls.CallerIdentity;
import dev.shoal.transport.tls.Identity;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;

/**
 * The peer service: gRPC in front of a {@link PeerPort}, and blob downloads from the peer's blob
 * store. Under mutual TLS every caller must hold a peer certificate, and the port is told its
 * certificate's name; in plaintext the name the caller claims.
 */
public final class PeerService extends PeersGrpc.PeersImplBase {

  private final PeerPort port;
  private final BlobStore blobs;

  public PeerService(PeerPort port, BlobStore blobs) {
    this.port = port;
    this.blobs = blobs;
  }

  @Override
  public void hello(dev.shoal.transport.proto.PeerInfo request, StreamObserver<PeerView> out) {
    answer(out, request.getName(), caller -> {
      var view = PeerView.newBuilder();
      port.hello(caller, PeerWire.info(request)).forEach(p -> view.addPeers(PeerWire.info(p)));
      return view.build();
    });
  }

  @Override
  public void offer(dev.shoal.transport.proto.UpdateOffer request, StreamObserver<PeerAck> out) {
    answer(out, request.getPeer(), caller -> {
      port.offer(caller, new UpdateOffer(request.getRound(), request.getPeer(), Wire.contentId(request.getUpdate()),
          request.getExamples()));
      return PeerAck.getDefaultInstance();
    });
  }

  @Override
  public void prepare(BallotRequest request, StreamObserver<PromiseReply> out) {
    answer(out, request.getBallot().getProposer(), caller -> {
      Promise p = port.prepare(caller, request.getRound(), PeerWire.ballot(request.getBallot()));
      var reply = PromiseReply.newBuilder().setGranted(p.granted()).setPromised(PeerWire.ballot(p.promised()))
          .setReason(p.reason());
      p.accepted().ifPresent(a -> reply.setAcceptedBallot(PeerWire.ballot(a.ballot()))
          .setAcceptedEntry(com.google.protobuf.ByteString.copyFrom(a.entry())));
      return reply.build();
    });
  }

  @Override
  public void accept(AcceptRequest request, StreamObserver<VoteReply> out) {
    answer(out, request.getBallot().getProposer(), caller -> {
      Vote v = port.accept(caller, request.getRound(), PeerWire.ballot(request.getBallot()),
          request.getEntry().toByteArray());
      return VoteReply.newBuilder().setAccepted(v.accepted()).setCosignature(v.cosignature()).setReason(v.reason())
          .build();
    });
  }

  @Override
  public void decide(DecisionMessage request, StreamObserver<PeerAck> out) {
    answer(out, "", caller -> {
      port.decide(caller, PeerWire.decision(request));
      return PeerAck.getDefaultInstance();
    });
  }

  @Override
  public void decisions(DecisionsRequest request, StreamObserver<DecisionList> out) {
    answer(out, "", caller -> {
      List<Decision> list = port.decisions(request.getFrom(), Math.max(1, Math.min(request.getMax(), 64)));
      var reply = DecisionList.newBuilder();
      list.forEach(d -> reply.addDecisions(PeerWire.decision(d)));
      return reply.build();
    });
  }

  @Override
  public void fetch(DownloadRequest request, StreamObserver<Chunk> out) {
    try {
      caller("");
    } catch (SecurityException e) {
      out.onError(Status.PERMISSION_DENIED.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    ContentId id;
    try {
      id = Wire.contentId(request.getContentId());
    } catch (RuntimeException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    try {
      if (!blobs.contains(id) || request.getOffset() < 0 || request.getOffset() > blobs.size(id)) {
        out.onError(Wire.notFound("peer holds no blob " + id + " (or not from offset " + request.getOffset() + ")"));
        return;
      }
    } catch (IOException e) {
      out.onError(Wire.notFound("peer holds no blob " + id));
      return;
    }
    new ChunkSender(null, (ServerCallStreamObserver<Chunk>) out, () -> blobs.open(id), request.getOffset()).start();
  }

  private interface Call<R> {
    R answer(String caller) throws IOException;
  }

  private static <R> void answer(StreamObserver<R> out, String claimed, Call<R> call) {
    R reply;
    try {
      reply = call.answer(caller(claimed));
    } catch (SecurityException e) {
      out.onError(Status.PERMISSION_DENIED.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (IllegalStateException e) {
      out.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (IOException | RuntimeException e) {
      out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      return;
    }
    out.onNext(reply);
    out.onCompleted();
  }

  /** The caller's certificate name under TLS (a peer's only), else the name it claims. */
  private static String caller(String claimed) {
    Identity id = CallerIdentity.current();
    if (id == null) {
      return claimed;
    }
    if (id.role() != Role.PEER) {
      throw new SecurityException("only peers call peers; the caller holds " + id);
    }
    return id.name();
  }
}
