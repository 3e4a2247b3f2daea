package dev.shoal.app;

import dev.shoal.data.FederatedData;
import dev.shoal.data.MnistDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One {@code shoal node} process per client, started with this program's own JVM and class
 * path. Each client's data is written first as MNIST-format files in {@code nodes/NAME}; each
 * node's output goes to {@code nodes/NAME.log}. Nodes are killed if this process ends first
 * (including Ctrl-C); one that dies is reported and the run goes on without it.
 */
final class NodeProcesses implements LoopbackFederation.Nodes {

  private final Map<String, Path> dataDirs;
  private final Path dir;
  private final PrintStream console;
  private final List<Process> processes = new CopyOnWriteArrayList<>();
  private final Thread killer = new Thread(this::kill, "kill-nodes");
  private volatile boolean closing;

  private final Path kits;

  private final List<String> trainParams;

  private NodeProcesses(Map<String, Path> dataDirs, Path dir, Path kits, List<String> trainParams, PrintStream console) {
    this.trainParams = List.copyOf(trainParams);
    this.dataDirs = dataDirs;
    this.kits = kits;
    this.dir = dir;
    this.console = console;
  }

  /**
   * Writes each client's data under {@code dir}; each node uses its kit {@code kits/NAME} and
   * trains the tensors {@code trainParams} selects (the run's {@code --train-params}).
   */
  static NodeProcesses prepare(Map<String, FederatedData> parts, Path dir, Path kits, List<String> trainParams,
      PrintStream console) throws IOException {
    Map<String, Path> dirs = new java.util.LinkedHashMap<>();
    for (var e : parts.entrySet()) {
      Path d = dir.resolve(e.getKey());
      dev.shoal.data.DataLoader.save(e.getValue(), d);
      dirs.put(e.getKey(), d);
    }
    return new NodeProcesses(dirs, dir, kits, trainParams, console);
  }

  @Override
  public void start(int port) {
    Runtime.getRuntime().addShutdownHook(killer);
    dataDirs.forEach((name, data) -> {
      Path log = dir.resolve(name + ".log");
      List<String> command = new ArrayList<>(jvm());
      command.addAll(List.of(Main.class.getName(), "node", "--coordinator", LoopbackFederation.HOST + ":" + port,
          "--kit", kits.resolve(name).toAbsolutePath().toString(), "--data-path", data.toAbsolutePath().toString(),
          "--state-dir", dir.resolve(name + ".state").toAbsolutePath().toString(),
          "--heartbeat-interval", Long.toString(LoopbackFederation.HEARTBEAT.toSeconds()), "--reconnect-max", "2"));
      for (String glob : trainParams) {
        command.addAll(List.of("--train-params", glob));
      }
      try {
        // Nodes keep PyTorch's default thread count, as in-process clients do: another count can
        // change float results in the last places, and so the trained model.
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        p.onExit().thenAccept(done -> {
          if (done.exitValue() != 0 && !closing) {
            console.printf("node %s exited with code %d; its output is in %s%n", name, done.exitValue(), log);
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start node " + name, e);
      }
    });
  }

  /** This JVM with the flags Shoal needs, and this process's class path (the jar and its lib/). */
  private static List<String> jvm() {
    List<String> c = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"));
    if (Runtime.version().feature() >= 23) {
      c.add("--sun-misc-unsafe-memory-access=allow");
    }
    String level = System.getProperty("shoal.log.level");
    if (level != null) {
      c.add("-Dshoal.log.level=" + level);
    }
    c.addAll(List.of("-cp", System.getProperty("java.class.path")));
    return c;
  }

  @Override
  public int alive() {
    return (int) processes.stream().filter(Process::isAlive).count();
  }

  @Override
  public void awaitExit(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    for (Process p : processes) {
      try {
        p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // shutting down already, or never started: the hook runs or is not needed
    }
  }

  private void kill() {
    closing = true;
    processes.forEach(Process::destroy);
    for (Process p : processes) {
      try {
        if (!p.waitFor(3, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
    }
  }
}
