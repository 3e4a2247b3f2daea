package dev.shoal.app;

import dev.shoal.app.ops.Operations;
import dev.shoal.data.FederatedData;
import dev.shoal.pki.CertificateAuthority;
import dev.shoal.pki.Role;
import dev.shoal.tensor.ParameterSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A simulation over the real transport: the coordinator listens on 127.0.0.1 only (a free port)
 * and one node per client dials it, on a thread of this process or in a process of its own,
 * over mutual TLS with an ephemeral federation provisioned in {@code OUT/pki} (a CA, a
 * coordinator kit and a kit per node). The coordinator keeps its state in {@code OUT/state};
 * metrics and the model are written to {@code OUT} as in-process runs do.
 */
final class LoopbackFederation {

  static final String HOST = "127.0.0.1";
  static final Duration HEARTBEAT = Duration.ofSeconds(1);
  static final Duration LIVENESS = Duration.ofSeconds(15);
  private static final Duration REGISTRATION = Duration.ofMinutes(2);

  /** The nodes of one run; closing stops whatever is still running. */
  interface Nodes extends AutoCloseable {
    void start(int port);

    int alive();

    /** Waits, at most {@code limit}, for the nodes to stop after the run is over. */
    void awaitExit(Duration limit);

    @Override
    void close();
  }

  private LoopbackFederation() {}

  static ParameterSet run(Specs specs, Transport transport, FederatedData data, Map<String, FederatedData> parts, Path out,
      PrintStream console) throws IOException {
    Path state = out.resolve("state");
    Path pki = out.resolve("pki");
    deleteRecursively(state);
    deleteRecursively(pki);
    deleteRecursively(out.resolve("nodes"));
    CertificateAuthority ca = provision(pki, parts.keySet());
    var net = new Coordinator.Network(HOST, 0, HEARTBEAT, LIVENESS,
        Security.coordinator(pki.resolve("coordinator"), ca.crlFile()), Set.of(),
        Optional.of(new Operations.Address(HOST, 0)));
    try (Nodes nodes = transport == Transport.GRPC_PROCESSES
        ? NodeProcesses.prepare(parts, out.resolve("nodes"), pki, specs.training().trainParams().globs(), console)
        : new NodeThreads(specs, parts, pki, out.resolve("nodes"))) {
      var local = new Coordinator.LocalNodes(nodes::start, nodes::alive, REGISTRATION);
      ParameterSet result;
      try (Coordinator coordinator = Coordinator.start(specs,
          new Coordinator.Place(Simulation.RUN, state, out, data), net, console)) {
        result = coordinator.run(Optional.of(local));
      }
      nodes.awaitExit(Duration.ofSeconds(10));
      return result;
    }
  }

  /** A CA in {@code dir/ca}, the coordinator's kit for 127.0.0.1 and one node kit per client. */
  private static CertificateAuthority provision(Path dir, Set<String> nodes) throws IOException {
    Duration day = Duration.ofDays(1);
    CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "simulation", day);
    ca.issue("coordinator", Role.COORDINATOR, List.of("localhost"), List.of(HOST), day, dir.resolve("coordinator"));
    for (String node : nodes) {
      ca.issue(node, Role.NODE, List.of(), List.of(), day, dir.resolve(node));
    }
    return ca;
  }

  /** The state of an earlier run in the same output directory: a simulation always starts afresh. */
  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
