package dev.shoal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.shoal.federation.RunStatus;
import dev.shoal.round.RemoteClients;
import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.FederationGrpc;
import dev.shoal.transport.proto.NodeRef;
import dev.shoal.transport.proto.UploadReply;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's limits: calls per second, uploads in flight, time per call, upload size. */
class CallLimitsTest {

  @TempDir Path dir;
  CoordinatorServer server;
  FederationService service;
  ManagedChannel channel;

  FederationGrpc.FederationStub start(CallLimits.Settings limits, long maxUpload) throws Exception {
    var clients = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30));
    service = new FederationService(clients, BlobStore.open(dir), () -> new RunStatus("", 0, 0, 0, "", List.of()),
        Duration.ofSeconds(1), Duration.ofMillis(100)).limitUploads(maxUpload).acceptAnyUpload();
    server = CoordinatorServer.startInsecure("127.0.0.1", 0, service, limits);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    return FederationGrpc.newStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  @Test
  void aCallerOverItsRateIsToldToBackOff() throws Exception {
    start(new CallLimits.Settings(1, 3, 2, 4, Duration.ofMinutes(1), Duration.ofMinutes(1)), Long.MAX_VALUE);
    var blocking = FederationGrpc.newBlockingStub(channel);
    Throwable refused = null;
    for (int i = 0; i < 10 && refused == null; i++) {
      try {
        blocking.status(dev.shoal.transport.proto.StatusRequest.getDefaultInstance());
      } catch (io.grpc.StatusRuntimeException e) {
        refused = e;
      }
    }
    assertThat(refused).hasMessageContaining("RESOURCE_EXHAUSTED: more than 1.0 calls a second");
  }

  @Test
  void uploadsInFlightAreBoundedAndStuckCallsEnd() throws Exception {
    var stub = start(new CallLimits.Settings(100, 100, 1, 4, Duration.ofMinutes(1), Duration.ofMillis(500)),
        Long.MAX_VALUE);
    // two uploads that never complete: the server may see them in either order
    CompletableFuture<UploadReply> first = new CompletableFuture<>();
    stub.upload(observer(first)).onNext(chunk(new byte[] {1}, true));
    CompletableFuture<UploadReply> second = new CompletableFuture<>();
    stub.upload(observer(second)).onNext(chunk(new byte[] {2}, true));
    // one is refused at once; the coordinator ends the other at the stream time limit
    assertThat(List.of(failure(first), failure(second))).containsExactlyInAnyOrder(
        "RESOURCE_EXHAUSTED: more than 1 uploads in flight from one node",
        "DEADLINE_EXCEEDED: the coordinator ends Upload calls after PT0.5S");
    // and its slot is free again
    CompletableFuture<UploadReply> third = new CompletableFuture<>();
    StreamObserver<Chunk> next = stub.upload(observer(third));
    next.onNext(chunk(new byte[] {3}, true));
    next.onCompleted();
    assertThat(third.get(5, TimeUnit.SECONDS).getContentId()).isEqualTo(ContentId.of(new byte[] {3}).value());
  }

  @Test
  void anUploadLargerThanTheLimitIsRefused() throws Exception {
    var stub = start(CallLimits.DEFAULT, 4);
    CompletableFuture<UploadReply> done = new CompletableFuture<>();
    StreamObserver<Chunk> out = stub.upload(observer(done));
    out.onNext(chunk(new byte[] {1, 2, 3, 4, 5}, true));
    out.onCompleted();
    assertThatThrownBy(() -> done.get(5, TimeUnit.SECONDS))
        .hasMessageContaining("INVALID_ARGUMENT: total_size 5 exceeds the upload limit of 4 bytes");
    var blocking = FederationGrpc.newBlockingStub(channel);
    assertThatThrownBy(() -> blocking.heartbeat(NodeRef.newBuilder().setNode("x").build()))
        .hasMessageContaining("NOT_FOUND"); // the service still serves
  }

  @Test
  void theUploadLimitCanChangeWhileServing() throws Exception {
    // a relay starts refusing every upload and learns the model's size from its parent's first round
    var stub = start(CallLimits.DEFAULT, 0);
    CompletableFuture<UploadReply> refused = new CompletableFuture<>();
    StreamObserver<Chunk> first = stub.upload(observer(refused));
    first.onNext(chunk(new byte[] {1, 2, 3, 4, 5}, true));
    first.onCompleted();
    assertThat(failure(refused)).contains("total_size 5 exceeds the upload limit of 0 bytes");
    service.limitUploads(5);
    CompletableFuture<UploadReply> taken = new CompletableFuture<>();
    StreamObserver<Chunk> second = stub.upload(observer(taken));
    second.onNext(chunk(new byte[] {1, 2, 3, 4, 5}, true));
    second.onCompleted();
    assertThat(taken.get(5, TimeUnit.SECONDS).getContentId()).isEqualTo(ContentId.of(new byte[] {1, 2, 3, 4, 5}).value());
  }

  static String failure(CompletableFuture<UploadReply> upload) {
    Throwable t = catchThrowable(() -> upload.get(5, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class);
    return t.getCause().getMessage();
  }

  static Chunk chunk(byte[] data, boolean first) {
    Chunk.Builder c = Chunk.newBuilder().setOffset(0).setData(ByteString.copyFrom(data));
    return first ? c.setContentId(ContentId.of(data).value()).setTotalSize(data.length).build() : c.build();
  }

  static StreamObserver<UploadReply> observer(CompletableFuture<UploadReply> done) {
    return new StreamObserver<>() {
      @Override
      public void onNext(UploadReply v) {
        done.complete(v);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() { }
    };
  }
}
