package dev.shoal.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.shoal.round.RoundMetrics;
import java.io.IOException;
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
   * coordinator JVM, the nodes' JVM and everything else on the machine; heap sizes are bytes.
   */
  record Sample(int round, double wall, double firstUpdate, double lastUpdate, double coordinatorCpu,
      double nodesCpu, double othersCpu, long peakHeap, long afterGcHeap, RoundMetrics metrics,
      Optional<TcpBytes.Counts> tcp) {}

  private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final HeapPeak heap = new HeapPeak();
  private final TimedClients clients;
  private final Process nodes;
  private final int port;
  private long wall;
  private long coordinatorCpu;
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
    nodesCpu = cpuNanos(nodes);
    machineCpu = machineBusyNanos();
  }

  Sample finish(RoundMetrics metrics) {
    long now = System.nanoTime();
    double coordinator = (os.getProcessCpuTime() - coordinatorCpu) / 1e9;
    double others = (machineBusyNanos() - machineCpu) / 1e9 - coordinator;
    double node = (cpuNanos(nodes) - nodesCpu) / 1e9;
    List<Long> arrivals = clients.arrivals();
    // a round that received no update has no first or last arrival
    double first = arrivals.isEmpty() ? Double.NaN : (arrivals.getFirst() - wall) / 1e9;
    double last = arrivals.isEmpty() ? Double.NaN : (arrivals.getLast() - wall) / 1e9;
    return new Sample(metrics.round(), (now - wall) / 1e9, first, last, coordinator, node, Math.max(0, others - node), heap.peakBytes(),
        heap.maxAfterGcBytes(), metrics, tcp.flatMap(before -> TcpBytes.ofServer(port).map(t -> t.minus(before))));
  }

  private static long cpuNanos(Process p) {
    return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
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
