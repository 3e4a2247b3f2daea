package dev.shoal.bench;

import dev.shoal.bench.RoundProbe.Sample;
import dev.shoal.djl.ModelZoo;
import dev.shoal.federation.RunStatus;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundCommit;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunConfig;
import dev.shoal.round.RunEvent;
import dev.shoal.store.Run;
import dev.shoal.store.RunSpec;
import dev.shoal.store.StateDirectory;
import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.Metadata;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import dev.shoal.transport.CoordinatorServer;
import dev.shoal.transport.FederationService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Per-round coordinator overhead, end to end over gRPC on loopback. This JVM runs the
 * coordinator (round engine, FedAvg, federation service, server, state in a temporary
 * directory); a child JVM runs the nodes ({@link NodeFleet}), which do not train. Every node is
 * sampled every round. Prints per round: wall time, when the first and last update arrived, CPU
 * time of this JVM (the coordinator's overhead, training excluded), of the nodes and of the rest
 * of the machine, peak heap here, and bytes each way against the raw tensor bytes, as the
 * federation service counts them and as TCP does.
 *
 * <p>Usage: {@code CoordinatorOverhead [--nodes 100] [--rounds 5] [--warmup 1] [--poll-ms 500]
 * [--model cnn] [--nodes-heap 3g]}
 */
public final class CoordinatorOverhead {

  private record Options(int nodes, int rounds, int warmup, long pollMillis, String model, String nodesHeap) {}

  /** A column of the table: NaN values print as "-". */
  private record Column(String name, String format, ToDoubleFunction<Sample> value) {}

  private static final double MIB = 1 << 20;

  private CoordinatorOverhead() {}

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    ParameterSet initial = ModelZoo.standard().newTrainer(o.model).initialParameters(1)
        .withMetadata(Map.of(Metadata.MODEL, o.model, Metadata.ROUND, "0"));
    long raw = initial.parameterCount() * Float.BYTES * o.nodes;
    System.out.printf("coordinator overhead: %d nodes, %s (%,d parameters), %d warm-up + %d measured rounds,"
        + " node poll every %d ms%n", o.nodes, o.model, initial.parameterCount(), o.warmup, o.rounds, o.pollMillis);
    System.out.printf("raw tensor bytes per direction and round: %.1f MiB (parameters x 4 bytes x %d nodes)%n",
        raw / MIB, o.nodes);
    Path dir = Files.createTempDirectory("shoal-overhead");
    try {
      print(o, run(o, initial, dir), raw);
    } finally {
      deleteTree(dir);
    }
  }

  private static List<Sample> run(Options o, ParameterSet initial, Path dir) throws Exception {
    int total = o.warmup + o.rounds;
    long seed = 1;
    List<Sample> samples = new ArrayList<>();
    try (StateDirectory state = StateDirectory.open(dir)) {
      Run run = state.runs().openRun(RunSpec.of("overhead", "nodes=" + o.nodes + "\nmodel=" + o.model, seed, total));
      var remote = new RemoteClients(Clock.systemUTC(), Duration.ofMinutes(5));
      var clients = new TimedClients(remote);
      var service = new FederationService(remote, state.blobs(), () -> new RunStatus("", 0, 0, 0, "", List.of()),
          Duration.ofSeconds(5), Duration.ofMillis(o.pollMillis));
      try (CoordinatorServer server = CoordinatorServer.startInsecure("127.0.0.1", 0, service)) {
        Process fleet = startFleet(server.port(), o);
        try {
          var probe = new RoundProbe(clients, fleet, server.port());
          RoundCommit commit = new RoundCommit() {
            @Override
            public void begin(int round) {
              probe.start();
              state.runs().startRound(run.id(), round);
            }

            @Override
            public void complete(RoundMetrics metrics, ParameterSet model) {
              try {
                state.runs().completeRound(run.id(), metrics, state.blobs().putModel(model));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          };
          var strategy = new FedAvg(new FitConfig(1, 10, 0.1, seed), 1.0, o.nodes, 0.0);
          var config = new RunConfig(total, o.nodes, Duration.ofMinutes(5), seed);
          new RoundEngine(strategy, clients, config, Optional.empty(), event -> {
            if (event instanceof RunEvent.RoundFinished f) {
              samples.add(probe.finish(f.metrics()));
            }
          }, commit).run(initial);
          remote.finish();
          if (!fleet.waitFor(60, TimeUnit.SECONDS)) {
            System.err.println("the nodes did not stop within 60 s of the run's end");
          }
        } finally {
          fleet.destroyForcibly();
        }
      }
    }
    return samples;
  }

  /** Starts {@link NodeFleet} in a child JVM with this JVM's class path and access flags. */
  private static Process startFleet(int port, Options o) throws IOException {
    return NodeFleet.start(port, o.nodes, o.pollMillis, o.nodesHeap, List.of());
  }

  private static void print(Options o, List<Sample> samples, long raw) {
    List<Column> columns = List.of(
        new Column("updates", "%.0f", s -> s.metrics().clients()),
        new Column("wall_s", "%.2f", s -> s.wall()),
        new Column("first_s", "%.2f", s -> s.firstUpdate()),
        new Column("last_s", "%.2f", s -> s.lastUpdate()),
        new Column("coord_s", "%.2f", s -> s.coordinatorCpu()),
        new Column("jit_s", "%.2f", s -> s.jit()),
        new Column("nodes_s", "%.2f", s -> s.nodesCpu()),
        new Column("others_s", "%.2f", s -> s.othersCpu()),
        new Column("heap", "%.0f", s -> s.peakHeap() / MIB),
        new Column("live", "%.0f", s -> s.afterGcHeap() == 0 ? Double.NaN : s.afterGcHeap() / MIB),
        new Column("down_MiB", "%.1f", s -> s.metrics().bytesDown() / MIB),
        new Column("up_MiB", "%.1f", s -> s.metrics().bytesUp() / MIB),
        new Column("down/raw", "%.4f", s -> (double) s.metrics().bytesDown() / raw),
        new Column("up/raw", "%.4f", s -> (double) s.metrics().bytesUp() / raw),
        new Column("tcp_down", "%.4f", s -> s.tcp().map(t -> (double) t.sent() / raw).orElse(Double.NaN)),
        new Column("tcp_up", "%.4f", s -> s.tcp().map(t -> (double) t.received() / raw).orElse(Double.NaN)),
        new Column("retx%", "%.2f", s -> s.tcp().map(t -> 100.0 * t.retransmitted() / t.sent()).orElse(Double.NaN)),
        new Column("fail", "%.0f", s -> s.metrics().failures()));
    StringBuilder header = new StringBuilder("%-7s".formatted("round"));
    columns.forEach(c -> header.append(" %8s".formatted(c.name)));
    System.out.println(header);
    List<Sample> measured = samples.stream().filter(s -> s.round() > o.warmup).toList();
    for (Sample s : samples) {
      StringBuilder line = new StringBuilder("%-7s".formatted(s.round() + (s.round() <= o.warmup ? " warm" : "")));
      columns.forEach(c -> line.append(cell(c, c.value.applyAsDouble(s))));
      System.out.println(line);
    }
    StringBuilder mean = new StringBuilder("%-7s".formatted("mean"));
    columns.forEach(c -> mean.append(cell(c, measured.stream().mapToDouble(c.value).average().orElse(Double.NaN))));
    System.out.println(mean);
    System.out.printf("""
        updates  updates aggregated in the round (every node is sampled every round)
        wall_s   round start to new model committed; first_s, last_s: first and last update received
        coord_s  CPU seconds of the coordinator JVM; nodes_s: of the nodes' JVM; others_s: of everything
                 else on the machine (from /proc/stat), which competes for the same cores
        jit_s    CPU seconds of the coordinator's JIT compiler threads (part of coord_s; from
                 /proc/self/task)
        heap     peak coordinator heap, MiB (max heap %.0f MiB); live: most heap in use after a GC (- no GC)
        down/up  blob chunk bytes counted by the federation service (RoundMetrics), and their ratio to raw
        tcp_*    TCP payload bytes the server's connections delivered (ss -ti), over raw; retx%%: bytes the
                 server sent again, as a share of tcp_down
        """, Runtime.getRuntime().maxMemory() / MIB);
  }

  private static String cell(Column c, double v) {
    return " %8s".formatted(Double.isNaN(v) ? "-" : c.format.formatted(v));
  }

  private static Options parse(String[] args) {
    int nodes = 100;
    int rounds = 5;
    int warmup = 1;
    long poll = 500;
    String model = ModelZoo.CNN;
    String nodesHeap = "3g";
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(v);
        case "--rounds" -> rounds = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--poll-ms" -> poll = Long.parseLong(v);
        case "--model" -> model = v;
        case "--nodes-heap" -> nodesHeap = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; options: --nodes --rounds --warmup --poll-ms --model --nodes-heap");
      }
    }
    return new Options(nodes, rounds, warmup, poll, model, nodesHeap);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
