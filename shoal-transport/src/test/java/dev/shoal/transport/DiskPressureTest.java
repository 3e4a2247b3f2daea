package dev.shoal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.node.NodeAgent;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunConfig;
import dev.shoal.round.RunEvent;
import dev.shoal.store.BlobStore;
import dev.shoal.strategy.FedAvg;
import dev.shoal.train.FitConfig;
import dev.shoal.federation.RunStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator whose state directory has no room: uploads fail at once with RESOURCE_EXHAUSTED
 * and a reason, nodes retry with backoff and then report, the round goes on without the updates
 * instead of waiting for its timeout, and the run goes on normally once there is room again.
 */
class DiskPressureTest {

  @TempDir Path dir;
  CoordinatorServer server;
  GrpcCoordinatorLink link;

  @AfterEach
  void stop() {
    if (link != null) {
      link.close();
    }
    server.close();
  }

  @Test
  void aFullDiskFailsUploadsAtOnceAndTheRoundGoesOnWithoutThem() throws Exception {
    var clients = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30));
    BlobStore blobs = BlobStore.open(dir.resolve("blobs"));
    var service = new FederationService(clients, blobs, () -> new RunStatus("test", 0, 0, 0, "waiting", java.util.List.of()), Duration.ofMillis(50),
        Duration.ofMillis(10));
    // as if the disk were full: keep more free than the file system has
    service.reserveFreeSpace(Files.getFileStore(dir).getTotalSpace() + 1);
    server = CoordinatorServer.startInsecure("127.0.0.1", 0, service);
    link = GrpcCoordinatorLink.insecure("127.0.0.1", server.port(), dir.resolve("node"));
    List<NodeAgent> agents = List.of(
        new NodeAgent("a", link, p -> new TransportTest.LabelTrainer(), TransportTest.data(1, 100), TransportTest.FAST, 1),
        new NodeAgent("b", link, p -> new TransportTest.LabelTrainer(), TransportTest.data(4, 300), TransportTest.FAST, 2));
    agents.forEach(a -> Thread.ofVirtual().start(a));
    while (clients.available().size() < 2) {
      Thread.sleep(10);
    }
    List<String> failures = new CopyOnWriteArrayList<>();
    List<RoundMetrics> rounds = new CopyOnWriteArrayList<>();
    // a round timeout far longer than the test: the first round must end because the nodes reported
    var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 2, 0.0), clients,
        new RunConfig(2, 2, Duration.ofHours(1), 1), Optional.empty(), e -> {
          switch (e) {
            case RunEvent.ClientFailed f -> failures.add(f.round() + " " + f.clientId() + " " + f.reason());
            case RunEvent.RoundFinished f -> {
              rounds.add(f.metrics());
              service.reserveFreeSpace(DiskSpace.RESERVE_BYTES); // space is back
            }
            default -> { }
          }
        });
    engine.run(new TransportTest.LabelTrainer().initialParameters(0));
    agents.forEach(NodeAgent::stop);

    assertThat(rounds).hasSize(2);
    assertThat(rounds.get(0).aggregated()).isFalse();
    assertThat(rounds.get(0).failures()).isEqualTo(2);
    assertThat(failures).hasSize(2).allSatisfy(f -> assertThat(f).startsWith("1 ")
        .contains("the coordinator had no room for the update (3 attempts)")
        .contains("RESOURCE_EXHAUSTED: no space for the upload: the coordinator's state directory has")
        .doesNotContain("timed out"));
    assertThat(rounds.get(1).aggregated()).as("the run goes on once there is room").isTrue();
    assertThat(rounds.get(1).clients()).isEqualTo(2);
    assertThat(blobs.removeTemporaryFiles()).as("no partial upload left behind").isZero();
  }

  @Test
  void anUploadLargerThanTheFreeSpaceIsRefusedBeforeAByteIsWritten() throws Exception {
    var clients = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30));
    BlobStore blobs = BlobStore.open(dir.resolve("blobs"));
    var service = new FederationService(clients, blobs, () -> new RunStatus("test", 0, 0, 0, "waiting", java.util.List.of()),
        Duration.ofMillis(50), Duration.ofMillis(10));
    server = CoordinatorServer.startInsecure("127.0.0.1", 0, service);
    var channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      // only a node that holds work that takes an upload may upload
      var blocking = dev.shoal.transport.proto.FederationGrpc.newBlockingStub(channel);
      blocking.register(dev.shoal.transport.proto.RegisterRequest.newBuilder().setNode("a").build());
      var global = new dev.shoal.tensor.ParameterSet(java.util.List.of(
          new dev.shoal.tensor.Tensor("w", new int[] {2}, new float[2])));
      Thread.ofVirtual().start(() -> {
        try {
          clients.fit(new dev.shoal.strategy.FitInstruction("a", 1, global, new dev.shoal.train.FitConfig(1, 1, 0.1, 1)));
        } catch (Exception e) {
          // the round is not finished in this test
        }
      });
      while (!blocking.poll(dev.shoal.transport.proto.NodeRef.newBuilder().setNode("a").build()).hasAssignment()) {
        Thread.sleep(10);
      }
      var stub = dev.shoal.transport.proto.FederationGrpc.newStub(channel);
      CompletableFuture<dev.shoal.transport.proto.UploadReply> done = new CompletableFuture<>();
      var out = stub.upload(CallLimitsTest.observer(done));
      long huge = Files.getFileStore(dir).getUsableSpace() + (1L << 30);
      out.onNext(CallLimitsTest.chunk(new byte[] {1}, true).toBuilder().setNode("a").setTotalSize(huge).build());
      out.onCompleted();
      assertThat(CallLimitsTest.failure(done)).startsWith("RESOURCE_EXHAUSTED: no space for the upload")
          .contains("an upload of " + huge + " bytes needs");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(blobs.removeTemporaryFiles()).isZero();
  }
}
