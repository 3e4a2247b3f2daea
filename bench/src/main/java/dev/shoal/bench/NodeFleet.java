package dev.shoal.bench;

import dev.shoal.data.FederatedData;
import dev.shoal.data.Dataset;
import dev.shoal.data.Schema;
import dev.shoal.data.Task;
import dev.shoal.node.NodeAgent;
import dev.shoal.transport.GrpcCoordinatorLink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The node side of {@link CoordinatorOverhead}, run in its own JVM: {@code count} node agents,
 * each with its own gRPC link to the coordinator, all answering with {@link NoTrainingTrainer}.
 * Exits when the coordinator says the run is over.
 *
 * <p>Usage: {@code NodeFleet HOST PORT COUNT POLL_MILLIS}
 */
public final class NodeFleet {

  private NodeFleet() {}

  /**
   * Starts a fleet of {@code count} nodes in a child JVM with this JVM's class path, access flags
   * and system properties, plus {@code jvmFlags}; its output goes where this JVM's goes.
   */
  static Process start(int port, int count, long pollMillis, String heap, List<String> jvmFlags) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--") || a.startsWith("-D")).forEach(cmd::add);
    cmd.addAll(jvmFlags);
    cmd.addAll(List.of("-Xmx" + heap, "-cp", System.getProperty("java.class.path"), NodeFleet.class.getName(),
        "127.0.0.1", String.valueOf(port), String.valueOf(count), String.valueOf(pollMillis)));
    return new ProcessBuilder(cmd).inheritIO().start();
  }

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    Duration poll = Duration.ofMillis(Long.parseLong(args[3]));
    var timing = new NodeAgent.Timing(poll, Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5));
    // one tiny example: the trainer never looks at the data, it only reports its size
    var oneImage = new Dataset(Schema.indexed(Task.CLASSIFICATION, new int[] {1, 28, 28}, 10), new float[28 * 28], new float[1]);
    var data = new FederatedData(oneImage, oneImage);
    var trainer = new NoTrainingTrainer();
    List<Thread> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "node-%03d".formatted(i);
      nodes.add(Thread.ofPlatform().name(name).start(() -> {
        try (var link = GrpcCoordinatorLink.insecure(host, port)) {
          new NodeAgent(name, link, global -> trainer, data, timing, name.hashCode()).run();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }
    for (Thread t : nodes) {
      t.join();
    }
  }
}
