package dev.shoal.transport;

import com.google.protobuf.ByteString;
import dev.shoal.peer.Ballot;
import dev.shoal.peer.Decision;
import dev.shoal.peer.PeerInfo;
import dev.shoal.peer.PeerLink;
import dev.shoal.peer.Promise;
import dev.shoal.peer.UpdateOffer;
import dev.shoal.peer.Vote;
import dev.shoal.tensor.ContentId;
import dev.shoal.transport.proto.AcceptRequest;
import dev.shoal.transport.proto.BallotRequest;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.DecisionsRequest;
import dev.shoal.transport.proto.DownloadRequest;
import dev.shoal.transport.proto.PeersGrpc;
import dev.shoal.transport.proto.PromiseReply;
import dev.shoal.transport.tls.KitMaterial;
import dev.shoal.transport.tls.Revocations;
import dev.shoal.transport.tls.Tls;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A gRPC connection to one other peer, with mutual TLS from the peer's kit or in plaintext. */
public final class GrpcPeerLink implements PeerLink {

  private static final long UNARY_SECONDS = 10;
  /** An acceptor fetches and folds the round's updates before it answers. */
  private static final long ACCEPT_SECONDS = 120;
  private static final long FETCH_MINUTES = 10;

  private final ManagedChannel channel;
  private final PeersGrpc.PeersBlockingStub stub;

  private GrpcPeerLink(ManagedChannel channel) {
    this.channel = channel;
    this.stub = PeersGrpc.newBlockingStub(channel);
  }

  /** A link to the peer at {@code host:port}; with {@code kit} null, in plaintext. */
  public static GrpcPeerLink open(String host, int port, KitMaterial kit, Revocations revocations) throws IOException {
    var b = NettyChannelBuilder.forAddress(host, port).maxInboundMessageSize(Wire.MAX_MESSAGE_BYTES);
    if (kit != null) {
      b.sslContext(Tls.peerClient(kit, revocations));
    } else {
      b.usePlaintext();
    }
    return new GrpcPeerLink(b.build());
  }

  @Override
  public List<PeerInfo> hello(PeerInfo self) throws IOException {
    return call(() -> stub.withDeadlineAfter(UNARY_SECONDS, TimeUnit.SECONDS).hello(PeerWire.info(self)))
        .getPeersList().stream().map(PeerWire::info).toList();
  }

  @Override
  public void offer(UpdateOffer o) throws IOException {
    call(() -> stub.withDeadlineAfter(UNARY_SECONDS, TimeUnit.SECONDS).offer(dev.shoal.transport.proto.UpdateOffer
        .newBuilder().setRound(o.round()).setPeer(o.peer()).setUpdate(o.update().value()).setExamples(o.examples())
        .build()));
  }

  @Override
  public Promise prepare(long round, Ballot ballot) throws IOException {
    PromiseReply r = call(() -> stub.withDeadlineAfter(UNARY_SECONDS, TimeUnit.SECONDS)
        .prepare(BallotRequest.newBuilder().setRound(round).setBallot(PeerWire.ballot(ballot)).build()));
    Optional<Promise.Accepted> accepted = r.hasAcceptedBallot()
        ? Optional.of(new Promise.Accepted(PeerWire.ballot(r.getAcceptedBallot()), r.getAcceptedEntry().toByteArray()))
        : Optional.empty();
    return new Promise(r.getGranted(), PeerWire.ballot(r.getPromised()), accepted, r.getReason());
  }

  @Override
  public Vote accept(long round, Ballot ballot, byte[] entry) throws IOException {
    var r = call(() -> stub.withDeadlineAfter(ACCEPT_SECONDS, TimeUnit.SECONDS).accept(AcceptRequest.newBuilder()
        .setRound(round).setBallot(PeerWire.ballot(ballot)).setEntry(ByteString.copyFrom(entry)).build()));
    return new Vote(r.getAccepted(), r.getCosignature(), r.getReason());
  }

  @Override
  public void decide(Decision decision) throws IOException {
    call(() -> stub.withDeadlineAfter(ACCEPT_SECONDS, TimeUnit.SECONDS).decide(PeerWire.decision(decision)));
  }

  @Override
  public List<Decision> decisions(long from, int max) throws IOException {
    return call(() -> stub.withDeadlineAfter(UNARY_SECONDS, TimeUnit.SECONDS)
        .decisions(DecisionsRequest.newBuilder().setFrom(from).setMax(max).build()))
        .getDecisionsList().stream().map(PeerWire::decision).toList();
  }

  @Override
  public void fetch(ContentId id, Path to, long maxBytes) throws IOException {
    long received = Files.exists(to) ? Files.size(to) : 0;
    try (OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      Iterator<Chunk> chunks = stub.withDeadlineAfter(FETCH_MINUTES, TimeUnit.MINUTES)
          .fetch(DownloadRequest.newBuilder().setContentId(id.value()).setOffset(received).build());
      while (chunks.hasNext()) {
        Chunk c = chunks.next();
        if (c.getOffset() != received) {
          throw new IOException("chunk at offset %d, expected %d".formatted(c.getOffset(), received));
        }
        received += c.getData().size();
        if (received > maxBytes) {
          throw new IOException("blob %s is larger than %d bytes, twice the model's size: refused".formatted(id, maxBytes));
        }
        c.getData().writeTo(out);
      }
    } catch (StatusRuntimeException e) {
      throw GrpcCoordinatorLink.asIo(e);
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }

  private interface Rpc<T> {
    T call();
  }

  private static <T> T call(Rpc<T> rpc) throws IOException {
    try {
      return rpc.call();
    } catch (StatusRuntimeException e) {
      throw GrpcCoordinatorLink.asIo(e);
    }
  }
}
