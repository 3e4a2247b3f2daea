package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node started in a control group with a quota of one CPU trains with one engine thread and
 * says so, in its log and in {@code shoal status}; a node outside it uses every CPU. Needs root
 * and a writable cgroup file system (v1's cpu controller, or v2).
 */
class ResourceLimitsIT {

  @TempDir static Path shared;

  final List<Process> processes = new ArrayList<>();
  Path group;
  @TempDir Path dir;

  @BeforeAll
  static void sites() throws Exception {
    Shoal.Result r = Shoal.run(shared, "data", "partition", "--clients", "2", "--seed", "3", "--out", "sites");
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (group != null) {
      removeGroup(group);
    }
  }

  @Test
  void aNodeInAOneCpuGroupTrainsWithOneThreadAndStatusShowsIt() throws Exception {
    group = oneCpuGroup("shoal-it-" + UUID.randomUUID().toString().substring(0, 8));
    int port = FederationIT.freePort();
    start("coordinator", shoal("coordinator", "--state-dir", dir.resolve("state").toString(), "--insecure",
        "--listen", "127.0.0.1:" + port, "--http", "off", "--model", "logreg", "--rounds", "1000",
        "--min-clients", "2", "--contribution", "off"));
    List<String> inGroup = new ArrayList<>(List.of("sh", "-c",
        "echo $$ > " + group.resolve("cgroup.procs") + " && exec \"$@\"", "sh"));
    inGroup.addAll(node(port, "inside", 0));
    Process inside = start("inside", inGroup);
    Process outside = start("outside", node(port, "outside", 1, "--nice", "5", "--ionice", "best-effort:7"));

    String insideLine = awaitLine("inside", "resources: ", inside);
    String outsideLine = awaitLine("outside", "resources: ", outside);
    assertThat(Files.readString(Path.of("/proc/" + inside.pid() + "/cgroup")))
        .as("the node runs in the 1-CPU group").contains(group.getFileName().toString());
    int cpus = Runtime.getRuntime().availableProcessors();
    assertThat(insideLine).as("log of the node in the 1-CPU group")
        .startsWith("resources: engine threads 1 (cgroup CPU quota 1.00 of " + cpus + " CPUs)");
    assertThat(outsideLine).as("log of the node outside the group")
        .startsWith("resources: engine threads " + cpus + " (" + cpus + " CPUs, no cgroup CPU quota)")
        .endsWith("nice 5");
    assertThat(niceOfEveryThread(outside.pid())).as("nice values of the outside node's threads").containsOnly(5);

    Map<String, String> threads = awaitStatusThreads(port, List.of("inside", "outside"));
    assertThat(threads.get("inside")).isEqualTo("1 (quota 1.00)");
    assertThat(threads.get("outside")).isEqualTo(cpus + " (" + cpus + " CPUs)");
  }

  @Test
  void resourceOptionsThatCannotBeHonouredAreOneLineErrors() throws Exception {
    String site = shared.resolve("sites/client-000").toString();
    Shoal.Result r = Shoal.run(dir, "node", "--coordinator", "127.0.0.1:1", "--insecure", "--name", "n",
        "--data-path", site, "--max-memory", "lots");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("error: --max-memory: not a size: 'lots' (e.g. 2g, 512m, 1.5GiB or a number of bytes)");
    // the test JVMs run with -Xmx3g: a smaller budget cannot hold that heap
    r = Shoal.run(dir, "node", "--coordinator", "127.0.0.1:1", "--insecure", "--name", "n",
        "--data-path", site, "--max-memory", "256m");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().strip()).startsWith("error: the JVM's maximum heap of 3.0 GiB exceeds --max-memory 256.0 MiB")
        .doesNotContain("\n");
    r = Shoal.run(dir, "node", "--coordinator", "127.0.0.1:1", "--insecure", "--name", "n",
        "--data-path", site, "--ionice", "idle:3");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("error: --ionice: the idle class has no levels, got 'idle:3'");
  }

  @Test
  void loweringNicenessWithoutPrivilegeIsAnError() throws Exception {
    // the node runs without the privilege to raise priorities (setpriv, util-linux, drops
    // CAP_SYS_NICE), so it may not lower its niceness
    List<String> command = new ArrayList<>(List.of("setpriv", "--bounding-set=-sys_nice", "--inh-caps=-sys_nice"));
    command.addAll(node(1, "n", 0, "--nice", "-5"));
    Process p = start("unprivileged", command);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("the node stops").isTrue();
    String err = Files.readString(dir.resolve("unprivileged.err"));
    assertThat(p.exitValue()).as(err).isEqualTo(1);
    assertThat(err.strip()).matches("error: --nice -5 failed: renice: .*Permission denied");
  }

  /** The command line of a plain-text node on site {@code site}. */
  List<String> node(int port, String name, int site, String... more) {
    List<String> args = new ArrayList<>(java());
    args.addAll(List.of("node", "--coordinator", "127.0.0.1:" + port, "--insecure", "--name", name,
        "--data-path", shared.resolve("sites/client-00" + site).toString(), "--heartbeat-interval", "1"));
    args.addAll(List.of(more));
    return args;
  }

  /** The command line of {@code shoal ARGS...}. */
  static List<String> shoal(String... args) {
    List<String> command = new ArrayList<>(java());
    command.addAll(List.of(args));
    return command;
  }

  /** The java command that runs shoal.jar, as {@link Shoal} starts it. */
  static List<String> java() {
    String jar = System.getProperty("shoal.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("shoal.jar not built; run these tests with 'mvn verify'");
    }
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx3g", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"));
    if (Runtime.version().feature() >= 23) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(List.of("-jar", jar));
    return command;
  }

  /** Starts {@code command} in the background, its output in {@code name.out} and {@code name.err}. */
  Process start(String name, List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile()).start();
    processes.add(p);
    return p;
  }

  /** Waits (up to two minutes) for the first line of {@code name.out} that starts with {@code prefix}. */
  String awaitLine(String name, String prefix, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      Path out = dir.resolve(name + ".out");
      if (Files.exists(out)) {
        var line = Files.readAllLines(out).stream().filter(l -> l.startsWith(prefix)).findFirst();
        if (line.isPresent()) {
          return line.get();
        }
      }
      if (!p.isAlive()) {
        fail("%s exited (%d) before printing '%s': %s".formatted(name, p.exitValue(), prefix,
            Files.readString(dir.resolve(name + ".err"))));
      }
      Thread.sleep(200);
    }
    return fail("%s printed no line starting with '%s' in two minutes: %s".formatted(name, prefix,
        Files.readString(dir.resolve(name + ".out"))));
  }

  /** The THREADS column of `shoal status`, once every node in {@code nodes} has one (up to two minutes). */
  Map<String, String> awaitStatusThreads(int port, List<String> nodes) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    String last = "";
    while (System.nanoTime() < deadline) {
      Shoal.Result r = Shoal.run(dir, "status", "--coordinator", "127.0.0.1:" + port, "--insecure");
      last = r.out() + r.err();
      Map<String, String> threads = new HashMap<>();
      for (String line : r.out().split("\\R")) {
        String[] f = line.trim().split("\\s+", 5);
        if (f.length == 5 && nodes.contains(f[0])) {
          String rest = f[4];
          threads.put(f[0], rest.startsWith("-") ? "-" : rest.substring(0, rest.indexOf(')') + 1));
        }
      }
      if (threads.keySet().containsAll(nodes) && !threads.containsValue("-")) {
        return threads;
      }
      Thread.sleep(500);
    }
    return fail("shoal status did not show the threads of %s in two minutes; last answer:%n%s".formatted(nodes, last));
  }

  /** The nice value of every thread of process {@code pid}. */
  static List<Integer> niceOfEveryThread(long pid) throws IOException {
    List<Integer> nice = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          nice.add(Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]));
        } catch (java.nio.file.NoSuchFileException ended) {
          // the thread ended meanwhile
        }
      }
    }
    return nice;
  }

  /**
   * Makes a control group with a quota of one CPU (100 ms per 100 ms period): on cgroup v2 (when
   * {@code /sys/fs/cgroup/cgroup.controllers} exists) with {@code cpu.max}, otherwise in v1's cpu
   * hierarchy with {@code cpu.cfs_quota_us}. Fails, saying what is missing, when it cannot.
   */
  static Path oneCpuGroup(String name) {
    Path v2 = Path.of("/sys/fs/cgroup");
    Path group = null;
    try {
      if (Files.exists(v2.resolve("cgroup.controllers"))) {
        if (!Files.readString(v2.resolve("cgroup.controllers")).contains("cpu")) {
          fail("ResourceLimitsIT needs the cgroup v2 cpu controller, which " + v2.resolve("cgroup.controllers")
              + " does not list");
        }
        if (!Files.readString(v2.resolve("cgroup.subtree_control")).matches("(?s).*\\bcpu\\b.*")) {
          Files.writeString(v2.resolve("cgroup.subtree_control"), "+cpu");
        }
        group = Files.createDirectory(v2.resolve(name));
        Files.writeString(group.resolve("cpu.max"), "100000 100000");
      } else {
        Path mount = v1CpuMount();
        group = Files.createDirectory(mount.resolve(name));
        Files.writeString(group.resolve("cpu.cfs_period_us"), "100000");
        Files.writeString(group.resolve("cpu.cfs_quota_us"), "100000");
      }
      return group;
    } catch (IOException e) {
      if (group != null) {
        removeGroup(group);
      }
      return fail("ResourceLimitsIT needs root and a writable cgroup file system (v1 cpu controller or v2) to make a "
          + "1-CPU group; it could not: " + e, e);
    }
  }

  /** Where cgroup v1's cpu controller is mounted, from /proc/self/mountinfo. */
  static Path v1CpuMount() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      int dash = List.of(f).indexOf("-");
      if (dash > 4 && dash + 3 < f.length && f[dash + 1].equals("cgroup")
          && List.of(f[dash + 3].split(",")).contains("cpu")) {
        return Path.of(f[4]);
      }
    }
    return fail("ResourceLimitsIT needs cgroups: neither cgroup v2 (/sys/fs/cgroup/cgroup.controllers) nor a v1 cpu "
        + "controller (in /proc/self/mountinfo) is mounted");
  }

  /** Removes the group once its processes are gone (up to 30 seconds). */
  static void removeGroup(Path group) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        Files.deleteIfExists(group);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cannot remove the test's control group " + group + ": " + e, e);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
