package dev.shoal.bench;

import dev.shoal.data.FederatedData;
import dev.shoal.data.Dataset;
import dev.shoal.data.Schema;
import dev.shoal.data.Task;
import dev.shoal.federation.RunStatus;
import dev.shoal.node.NodeAgent;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RunConfig;
import dev.shoal.store.BlobStore;
import dev.shoal.strategy.FedAvg;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import dev.shoal.transport.CoordinatorServer;
import dev.shoal.transport.FederationService;
import dev.shoal.transport.GrpcCoordinatorLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One FedAvg round with a large model between a coordinator (this JVM) and one node (a child
 * JVM) over loopback gRPC: the global model goes down, the node moves every value up or down by
 * the same tiny amount ({@link NoTrainingTrainer}), the update comes back and is validated and
 * folded. Reports the coordinator's peak heap.
 *
 * <pre>COORDINATOR_HEAP=1400m scripts/run-bench.sh LargeModelRoundTrip [MEGABYTES]</pre>
 */
public final class LargeModelRoundTrip {

  private static final int TENSOR_VALUES = 1_000_000;
  private static final NodeAgent.Timing TIMING =
      new NodeAgent.Timing(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(2));

  private LargeModelRoundTrip() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("node")) {
      node(Integer.parseInt(args[1]), Path.of(args[2]));
      return;
    }
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 600;
    coordinator(megabytes);
  }

  private static void coordinator(int megabytes) throws Exception {
    Path dir = Files.createTempDirectory("shoal-large");
    HeapPeak heap = new HeapPeak();
    ParameterSet model = model(megabytes);
    long modelBytes = 4 * model.parameterCount();
    System.out.printf("model: %d tensors, %,d bytes; coordinator -Xmx %d MiB%n",
        model.names().size(), modelBytes, Runtime.getRuntime().maxMemory() >> 20);

    RemoteClients clients = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(60));
    var service = new FederationService(clients, BlobStore.open(dir.resolve("coordinator")),
        () -> new RunStatus("", 0, 0, 0, "", List.of()), Duration.ofSeconds(1), Duration.ofMillis(100));
    try (CoordinatorServer server = CoordinatorServer.startInsecure("127.0.0.1", 0, service)) {
      Process node = startNode(server.port(), dir.resolve("node"));
      Runtime.getRuntime().addShutdownHook(new Thread(node::destroyForcibly));
      long start = System.nanoTime();
      var engine = new RoundEngine(new FedAvg(new FitConfig(1, 1, 0.1, 1), 1.0, 1, 0.0), clients,
          new RunConfig(1, 1, Duration.ofMinutes(20), 1), Optional.empty(), e -> { });
      ParameterSet result = engine.run(model);
      double seconds = (System.nanoTime() - start) / 1e9;
      clients.finish();
      node.waitFor();
      double worst = worstError(model, result);
      long peak = heap.peakBytes();
      System.out.printf("round trip: %.1f s (%.0f MiB/s each way, including hashing and disk), max |error| %.2g%n",
          seconds, 2 * (modelBytes >> 20) / seconds, worst);
      System.out.printf("coordinator heap: peak used %d MiB = %.2f x the model; most in use after a collection %d MiB"
          + " = %.2f x%n", peak >> 20, (double) peak / modelBytes, heap.maxAfterGcBytes() >> 20,
          (double) heap.maxAfterGcBytes() / modelBytes);
      System.out.printf("traffic: down %,d bytes, up %,d bytes%n", clients.traffic().down(), clients.traffic().up());
      if (worst > 1e-6) {
        throw new IllegalStateException("the aggregate is not the node's update: off by " + worst);
      }
    }
  }

  private static Process startNode(int port, Path stateDir) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-Xmx3g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        LargeModelRoundTrip.class.getName(), "node", Integer.toString(port), stateDir.toString())
        .inheritIO().start();
  }

  private static void node(int port, Path stateDir) throws Exception {
    Dataset data = new Dataset(Schema.indexed(Task.CLASSIFICATION, new int[] {1}, 10), new float[1], new float[1]);
    try (var link = GrpcCoordinatorLink.insecure("127.0.0.1", port, stateDir)) {
      new NodeAgent("node", link, p -> new NoTrainingTrainer(), new FederatedData(data, data), TIMING, 1).run();
    }
  }

  /** {@code megabytes} of float32 values in 1000×1000 tensors, deterministic. */
  static ParameterSet model(int megabytes) {
    var rng = new SplittableRandom(1);
    List<Tensor> tensors = new ArrayList<>();
    for (int t = 0; t < megabytes * 1_000_000L / 4 / TENSOR_VALUES; t++) {
      float[] v = new float[TENSOR_VALUES];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) rng.nextDouble(-1, 1);
      }
      tensors.add(new Tensor("layer" + t + ".weight", new int[] {1000, 1000}, v));
    }
    return new ParameterSet(tensors, Map.of("model", "large"));
  }

  /** How far the new global model is from the old one moved by the node's shift, at worst. */
  private static double worstError(ParameterSet model, ParameterSet result) {
    String first = model.names().get(0);
    double shift = Math.abs(result.read(first).data()[0] - model.read(first).data()[0]);
    if (!(shift > 0 && shift < 1e-4)) {
      throw new IllegalStateException("the new model is not the node's update (shift " + shift + ")");
    }
    double worst = 0;
    for (String name : model.names()) {
      float[] a = model.read(name).data();
      float[] b = result.read(name).data();
      for (int i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(Math.abs(b[i] - a[i]) - shift));
      }
    }
    return worst;
  }
}
