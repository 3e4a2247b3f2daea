package dev.shoal.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.shoal.round.RoundMetrics;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Measures one round at a time: {@link #start} as it begins, {@link #finish} once it is over. */
final class RoundProbe {

  /**
   * One round. Times are seconds from its start; CPU times are seconds spent in the round by the
   * coordinator JVM, the nodes' JVM and everything else on the machine; {@code jit} is the CPU
   * time of the coordinator's JIT compiler threads (part of its CPU time); heap sizes are bytes.
   */
  record Sample(int round, double wall, double firstUpdate, double lastUpdate, double coordinatorCpu,
      double jit, double nodesCpu, double othersCpu, long peakHeap, long afterGcHeap, RoundMetrics metrics,
      Optional<TcpBytes.Counts> tcp) {}

  private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final HeapPeak heap = new HeapPeak();
  private final TimedClients clients;
  private final Process nodes;
  private final int port;
  private long wall;
  private long coordinatorCpu;
  private long jitCpu;
  private long nodesCpu;
  private long machineCpu;
  private Optional<TcpBytes.Counts> tcp = Optional.empty();

  /**
   * @param clients the engine's port, noting when updates arrive
   * @param nodes the nodes' process
   * @param port the coordinator's server port
   */
  RoundProbe(TimedClients clients, Process nodes, int port) {
    this.clients = clients;
    this.nodes = nodes;
    this.port = port;
  }

  void start() {
    tcp = TcpBytes.ofServer(port);
    heap.reset();
    clients.reset();
    wall = System.nanoTime();
    coordinatorCpu = os.getProcessCpuTime();
    jitCpu = jitCpuNanos();
    nodesCpu = cpuNanos(nodes);
    machineCpu = machineBusyNanos();
  }

  Sample finish(RoundMetrics metrics) {
    long now = System.nanoTime();
    double coordinator = (os.getProcessCpuTime() - coordinatorCpu) / 1e9;
    double jit = (jitCpuNanos() - jitCpu) / 1e9;
    double others = (machineBusyNanos() - machineCpu) / 1e9 - coordinator;
    double node = (cpuNanos(nodes) - nodesCpu) / 1e9;
    List<Long> arrivals = clients.arrivals();
    // a round that received no update has no first or last arrival
    double first = arrivals.isEmpty() ? Double.NaN : (arrivals.getFirst() - wall) / 1e9;
    double last = arrivals.isEmpty() ? Double.NaN : (arrivals.getLast() - wall) / 1e9;
    return new Sample(metrics.round(), (now - wall) / 1e9, first, last, coordinator, jit, node, Math.max(0, others - node), heap.peakBytes(),
        heap.maxAfterGcBytes(), metrics, tcp.flatMap(before -> TcpBytes.ofServer(port).map(t -> t.minus(before))));
  }

  private static long cpuNanos(Process p) {
    return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /**
   * CPU time of this JVM's JIT compiler threads, from Linux's {@code /proc/self/task} (clock ticks
   * of 10 ms); 0 where it cannot be read. A compiler thread that ends takes its time with it.
   */
  private static long jitCpuNanos() {
    long ticks = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException ended) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime and stime, fields 14 and 15
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return ticks * 10_000_000L;
  }

  /**
   * CPU time all processes on this machine spent busy, from Linux's {@code /proc/stat} (clock
   * ticks of 10 ms); 0 where that file cannot be read.
   */
  private static long machineBusyNanos() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
      long ticks = 0;
      for (int i = 1; i <= 8; i++) {
        ticks += i == 4 || i == 5 ? 0 : Long.parseLong(f[i]); // skip idle and iowait; guest is in user
      }
      return ticks * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
