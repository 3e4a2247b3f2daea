package dev.shoal.app;

import dev.shoal.djl.DjlEngine;
import dev.shoal.djl.EngineSettings;
import dev.shoal.node.CgroupLimits;
import dev.shoal.federation.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * A node's resource options: engine threads, memory limit, nice and ionice. {@link #apply}
 * applies them to this process and starts the training engine with its threads.
 */
final class ResourceOptions {

  private static final Logger log = LoggerFactory.getLogger(ResourceOptions.class);

  @Option(names = "--threads", paramLabel = "N", description = "Training engine threads (default: the CPUs this process may use: the smaller of its CPUs and its cgroup CPU quota, rounded up).")
  Integer threads;

  @Option(names = "--max-memory", paramLabel = "SIZE", description = "This node's memory budget, e.g. 2g or 512m; at most the cgroup memory limit, and the JVM's maximum heap must fit in it (checked at start, not enforced).")
  String maxMemory;

  @Option(names = "--nice", paramLabel = "N", description = "Run this node at nice value N (-20 to 19; lowering it needs privilege).")
  Integer nice;

  @Option(names = "--ionice", paramLabel = "CLASS[:LEVEL]", description = "Run this node in I/O scheduling class idle, best-effort or realtime, at LEVEL 0 (first) to 7 (last).")
  String ionice;

  /**
   * Applies nice and ionice to every thread of this process, resolves the resources, checks the
   * heap against the memory limit, and starts the engine with its threads.
   *
   * @throws UserError naming the option when one is out of range or cannot be applied
   */
  Resources apply() {
    OptionalLong memory = OptionalLong.empty();
    if (maxMemory != null) {
      try {
        memory = OptionalLong.of(Resources.parseSize(maxMemory));
      } catch (IllegalArgumentException e) {
        throw new UserError("--max-memory: " + e.getMessage());
      }
    }
    if (nice != null) {
      if (nice < -20 || nice > 19) {
        throw new UserError("--nice must be from -20 to 19, got " + nice);
      }
      onEveryThread("--nice " + nice, List.of("renice", "--priority", Integer.toString(nice), "-p"));
    }
    if (ionice != null) {
      onEveryThread("--ionice " + ionice, ioniceCommand(ionice));
    }
    Resources r;
    CgroupLimits cgroup = CgroupLimits.detect();
    try {
      r = Resources.resolve(threads == null ? OptionalInt.empty() : OptionalInt.of(threads), memory,
          processors(), cgroup.cpuQuota(), cgroup.memoryLimitBytes(), currentNice());
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    long heap = Runtime.getRuntime().maxMemory();
    if (r.memoryFrom() == Resources.MemoryFrom.OPTION && heap > r.memoryLimitBytes()) {
      throw new UserError("the JVM's maximum heap of %s exceeds --max-memory %s: give the JVM a smaller heap (e.g. SHOAL_JAVA_OPTS=-Xmx%dm) or more memory"
          .formatted(Resources.bytes(heap), Resources.bytes(r.memoryLimitBytes()), r.memoryLimitBytes() / 2 / (1 << 20)));
    }
    if (r.memoryFrom() == Resources.MemoryFrom.CGROUP && heap > r.memoryLimitBytes()) {
      log.warn("the JVM's maximum heap exceeds the cgroup memory limit, which the kernel enforces max_heap=\"{}\" limit=\"{}\"",
          Resources.bytes(heap), Resources.bytes(r.memoryLimitBytes()));
    }
    DjlEngine.configure(new EngineSettings(r.engineThreads(), r.engineThreads()));
    int running = DjlEngine.running().intraOpThreads();
    if (running != r.engineThreads()) {
      throw new UserError("the training engine runs with %d threads, not the %d asked for".formatted(running, r.engineThreads()));
    }
    return r;
  }

  /** {@code ionice -c CLASS [-n LEVEL] -p}, from {@code CLASS[:LEVEL]}. */
  static List<String> ioniceCommand(String spec) {
    String[] parts = spec.split(":", -1);
    String cls = switch (parts[0].toLowerCase(Locale.ROOT)) {
      case "realtime", "1" -> "1";
      case "best-effort", "2" -> "2";
      case "idle", "3" -> "3";
      default -> throw new UserError("--ionice: unknown class '" + parts[0] + "' (idle, best-effort or realtime)");
    };
    List<String> command = new ArrayList<>(List.of("ionice", "-c", cls));
    if (parts.length > 2 || (parts.length == 2 && !parts[1].matches("[0-7]"))) {
      throw new UserError("--ionice: the level must be 0 to 7, as in best-effort:7, got '" + spec + "'");
    }
    if (parts.length == 2) {
      if (cls.equals("3")) {
        throw new UserError("--ionice: the idle class has no levels, got '" + spec + "'");
      }
      command.addAll(List.of("-n", parts[1]));
    }
    command.add("-p");
    return command;
  }

  /**
   * Runs {@code command} with the id of every thread of this process appended (Linux keeps nice
   * and I/O priority per thread; threads started later inherit them from the thread that starts
   * them). Threads that ended meanwhile do not count as failures.
   */
  private static void onEveryThread(String option, List<String> command) {
    // a thread inherits its priorities from the thread that starts it: one started while the command
    // runs by a thread not yet changed (the JVM's process reaper, for one) keeps the old ones, so go
    // round again for the threads that are new until there are none
    Set<String> done = new HashSet<>();
    for (int pass = 0; pass < 5; pass++) {
      List<String> fresh = threads(option).stream().filter(t -> !done.contains(t)).toList();
      if (fresh.isEmpty()) {
        return;
      }
      run(option, command, fresh);
      done.addAll(fresh);
    }
  }

  private static List<String> threads(String option) {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      return tasks.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UserError(option + ": cannot list this process's threads in /proc/self/task: " + e.getMessage());
    }
  }

  private static void run(String option, List<String> command, List<String> threads) {
    List<String> full = new ArrayList<>(command);
    full.addAll(threads);
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new UserError(option + ": " + command.get(0) + " did not finish in 30 seconds");
      }
      List<String> errors = out.lines().filter(l -> !l.contains("No such process"))
          .filter(l -> !l.contains("old priority")).toList();
      if (p.exitValue() != 0 && !errors.isEmpty()) {
        throw new UserError(option + " failed: " + errors.get(0).trim());
      }
    } catch (IOException e) {
      throw new UserError(option + ": cannot run " + command.get(0) + " (util-linux): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError(option + ": interrupted");
    }
  }

  /**
   * The CPUs this process may run on: its CPU affinity ({@code Cpus_allowed_list}), which the JVM's
   * own count may already have cut down to the CPU quota; the JVM's count where there is none.
   */
  static int processors() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          return Resources.cpuListSize(line.substring(line.indexOf(':') + 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return Runtime.getRuntime().availableProcessors();
  }

  /** This process's nice value (field 19 of {@code /proc/self/stat}); 0 where there is none. */
  static int currentNice() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(f[16]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
