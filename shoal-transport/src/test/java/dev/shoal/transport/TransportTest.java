package dev.shoal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.shoal.data.FederatedData;
import dev.shoal.data.Dataset;
import dev.shoal.data.Schema;
import dev.shoal.data.Task;
import dev.shoal.federation.RunStatus;
import dev.shoal.node.NodeAgent;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RunConfig;
import dev.shoal.strategy.FedAvg;
import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.FederationGrpc;
import dev.shoal.transport.proto.UploadReply;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wire on real sockets: a coordinator server on loopback and nodes that dial it. */
class TransportTest {

  /** Moves every parameter to the node's first label; label 9 fails. */
  static final class LabelTrainer implements Trainer {
    @Override
    public ParameterSet initialParameters(long seed) {
      return new ParameterSet(List.of(new Tensor("w", new int[] {3}, new float[3])));
    }

    @Override
    public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
      if (data.label(0) == 9) {
        throw new IllegalStateException("out of memory");
      }
      float v = data.label(0);
      return new FitOutcome(new ParameterSet(List.of(new Tensor("w", new int[] {3}, new float[] {v, v, v}))),
          data.size(), Map.of("train_loss", 1.0));
    }

    @Override
    public Evaluation evaluate(ParameterSet parameters, Dataset data) {
      return new Evaluation(data.size(), 0.5, 0.5);
    }
  }

  static FederatedData data(int label, int n) {
    float[] labels = new float[n];
    java.util.Arrays.fill(labels, label);
    Dataset d = new Dataset(Schema.indexed(Task.CLASSIFICATION, new int[] {1}, 10), new float[n], labels);
    return new FederatedData(d, d);
  }

  @TempDir Path dir;
  RemoteClients clients;
  BlobStore blobs;
  BlobStore nodeBlobs;
  CoordinatorServer server;
  GrpcCoordinatorLink link;

  @BeforeEach
  void start() throws Exception {
    clients = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30));
    blobs = BlobStore.open(dir.resolve("blobs"));
    var service = new FederationService(clients, blobs, () -> new RunStatus("test", 0, 0, 0, "waiting", List.of()),
        Duration.ofMillis(50), Duration.ofMillis(10))
        .acceptAnyUpload(); // the blob tests upload outside any round; UploadGateTest covers the gate
    server = CoordinatorServer.startInsecure("127.0.0.1", 0, service);
    link = GrpcCoordinatorLink.insecure("127.0.0.1", server.port(), dir.resolve("node"));
    nodeBlobs = BlobStore.open(dir.resolve("node"));
  }

  @AfterEach
  void stop() {
    link.close();
    server.close();
  }

  static final NodeAgent.Timing FAST =
      new NodeAgent.Timing(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(10), Duration.ofMillis(100));

  @Test
  void roundsRunOverTheWire() throws Exception {
    List<NodeAgent> agents = List.of(
        new NodeAgent("a", link, p -> new LabelTrainer(), data(1, 100), FAST, 1),
        new NodeAgent("b", link, p -> new LabelTrainer(), data(4, 300), FAST, 2),
        new NodeAgent("c", link, p -> new LabelTrainer(), data(9, 10), FAST, 3));
    agents.forEach(a -> Thread.ofVirtual().start(a));
    while (clients.available().size() < 3) {
      Thread.sleep(10);
    }
    var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 2, 0.0), clients,
        new RunConfig(2, 2, Duration.ofSeconds(20), 1), Optional.empty(), e -> { });
    ParameterSet result = engine.run(new LabelTrainer().initialParameters(0));
    agents.forEach(NodeAgent::stop);
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(3.25f, 3.25f, 3.25f);
    assertThat(clients.traffic().down()).isPositive();
    assertThat(clients.traffic().up()).isPositive();
    assertThat(link.status().run()).isEqualTo("test");
  }

  @Test
  void anUpdateHoldingNaNIsRejectedAndTheOthersAreFolded() throws Exception {
    // the update is a file in the coordinator's blob store, checked block by block
    Trainer poisoned = new Trainer() {
      final LabelTrainer honest = new LabelTrainer();

      @Override
      public ParameterSet initialParameters(long seed) {
        return honest.initialParameters(seed);
      }

      @Override
      public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
        return new FitOutcome(new ParameterSet(List.of(new Tensor("w", new int[] {3}, new float[] {1, Float.NaN, 1}))),
            data.size(), Map.of());
      }

      @Override
      public Evaluation evaluate(ParameterSet parameters, Dataset data) {
        return honest.evaluate(parameters, data);
      }
    };
    List<NodeAgent> agents = List.of(
        new NodeAgent("a", link, p -> new LabelTrainer(), data(2, 100), FAST, 1),
        new NodeAgent("b", link, p -> poisoned, data(4, 300), FAST, 2));
    agents.forEach(a -> Thread.ofVirtual().start(a));
    while (clients.available().size() < 2) {
      Thread.sleep(10);
    }
    List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 2, 0.0), clients,
        new RunConfig(1, 1, Duration.ofSeconds(20), 1), Optional.empty(), e -> {
          if (e instanceof dev.shoal.round.RunEvent.ClientFailed f) {
            failures.add(f.clientId() + ": " + f.reason());
          }
        });
    ParameterSet result = engine.run(new LabelTrainer().initialParameters(0));
    agents.forEach(NodeAgent::stop);
    assertThat(failures).containsExactly("b: tensor 'w' holds a non-finite value (NaN) at index 1");
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(2f, 2f, 2f);
  }

  @Tag("slow")
  @Test
  void blobsOfEverySizeRoundTripInChunks() throws Exception {
    for (int size : new int[] {0, 1, Wire.SENT_CHUNK_BYTES, Wire.SENT_CHUNK_BYTES + 1, 3 * Wire.SENT_CHUNK_BYTES + 17}) {
      byte[] bytes = new byte[size];
      new java.util.Random(size).nextBytes(bytes);
      ContentId id = nodeBlobs.put(bytes);
      link.upload(id);
      assertThat(blobs.read(id)).isEqualTo(bytes);
      nodeBlobs.delete(id);
      link.download(id);
      assertThat(nodeBlobs.read(id)).isEqualTo(bytes);
    }
  }

  @Test
  void aBlobTheCoordinatorHoldsIsNotSentAgain() throws Exception {
    ContentId id = nodeBlobs.put(new byte[2 * Wire.SENT_CHUNK_BYTES]);
    link.upload(id);
    long up = clients.traffic().up();
    link.upload(id);
    assertThat(clients.traffic().up()).isEqualTo(up);
  }

  @Test
  void aNodeWithTheModelInItsStateDirectoryDoesNotDownloadItAgain() throws Exception {
    ParameterSet model = new LabelTrainer().initialParameters(0);
    ContentId id = blobs.putModel(model);
    assertThat(link.model(id)).isEqualTo(model);
    long down = clients.traffic().down();
    assertThat(down).isPositive();
    link.close();
    link = GrpcCoordinatorLink.insecure("127.0.0.1", server.port(), dir.resolve("node"));
    assertThat(link.model(id)).isEqualTo(model);
    assertThat(clients.traffic().down()).isEqualTo(down);
  }

  /** The second node gets the model from the copy the coordinator holds after the first download. */
  @Test
  void aModelDownloadedByTwoNodesReachesBothWhole() throws Exception {
    byte[] bytes = new byte[3 * Wire.SENT_CHUNK_BYTES + 17];
    new java.util.Random(5).nextBytes(bytes);
    ContentId id = blobs.put(bytes);
    link.download(id);
    assertThat(nodeBlobs.read(id)).isEqualTo(bytes);
    try (var second = GrpcCoordinatorLink.insecure("127.0.0.1", server.port(), dir.resolve("node2"))) {
      second.download(id);
    }
    assertThat(BlobStore.open(dir.resolve("node2")).read(id)).isEqualTo(bytes);
  }

  @Test
  void aDownloadThatDoesNotHashToItsIdIsRefused() throws Exception {
    ContentId id = blobs.put(new byte[] {1, 2, 3});
    java.nio.file.Files.write(blobs.path(id), new byte[] {1, 2, 4});
    assertThatThrownBy(() -> link.model(id)).hasMessageContaining("downloaded model hashes to");
    assertThat(nodeBlobs.contains(id)).isFalse();
  }

  @Test
  void anUploadWhoseBytesDoNotMatchItsIdIsRejected() throws Exception {
    ContentId claimed = ContentId.of(new byte[] {1});
    CompletableFuture<UploadReply> done = upload(List.of(Chunk.newBuilder().setContentId(claimed.value())
        .setTotalSize(1).setOffset(0).setData(ByteString.copyFrom(new byte[] {2})).build()));
    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS))
        .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("upload claimed " + claimed + " but its bytes hash to");
    assertThat(blobs.contains(claimed)).isFalse();
  }

  /** Chunks as large as a receiver takes (older senders cut 4 MiB ones), each spread over many network buffers. */
  @Test
  void anUploadInChunksOfTheLargestSizeIsStored() throws Exception {
    byte[] bytes = new byte[2 * Wire.CHUNK_BYTES + 5];
    new java.util.Random(3).nextBytes(bytes);
    ContentId id = ContentId.of(bytes);
    List<Chunk> chunks = new java.util.ArrayList<>();
    for (int at = 0; at < bytes.length; at += Wire.CHUNK_BYTES) {
      Chunk.Builder c = Chunk.newBuilder().setOffset(at)
          .setData(ByteString.copyFrom(bytes, at, Math.min(Wire.CHUNK_BYTES, bytes.length - at)));
      if (at == 0) {
        c.setContentId(id.value()).setTotalSize(bytes.length);
      }
      chunks.add(c.build());
    }
    assertThat(upload(chunks).get(30, TimeUnit.SECONDS).getContentId()).isEqualTo(id.value());
    assertThat(blobs.read(id)).isEqualTo(bytes);
  }

  /** Sends {@code chunks} as one Upload call, as any client may, over a channel of its own: the reply or the error. */
  private CompletableFuture<UploadReply> upload(List<Chunk> chunks) {
    var channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
        .maxInboundMessageSize(Wire.MAX_MESSAGE_BYTES).build();
    CompletableFuture<UploadReply> done = new CompletableFuture<>();
    done.whenComplete((reply, error) -> channel.shutdownNow());
    StreamObserver<Chunk> out = FederationGrpc.newStub(channel).upload(new StreamObserver<>() {
      public void onNext(UploadReply v) {
        done.complete(v);
      }

      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      public void onCompleted() { }
    });
    chunks.forEach(out::onNext);
    out.onCompleted();
    return done;
  }

  @Test
  void unknownBlobsAndNodesAreNotFound() {
    ContentId missing = ContentId.of(new byte[] {42});
    assertThatThrownBy(() -> link.download(missing)).hasMessageContaining("NOT_FOUND: no blob " + missing);
    assertThatThrownBy(() -> link.poll("stranger")).hasMessageContaining("NOT_FOUND: unknown node 'stranger'");
  }

  @Tag("slow")
  @Test
  void aCoordinatorThatIsDownIsAnIoError() {
    server.close();
    assertThatThrownBy(() -> link.register("a")).isInstanceOf(java.io.IOException.class).hasMessageContaining("UNAVAILABLE");
  }
}
