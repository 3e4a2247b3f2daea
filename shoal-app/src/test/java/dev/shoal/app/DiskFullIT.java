package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator whose state directory's file system fills up in the middle of a run: a real ext4
 * file system of 48 MiB in a file, mounted through a loop device (the test runs as root, as the
 * other tests that set up kernel state do), filled to the last block by a file written beside the
 * state. The round in flight loses its updates; the next rounds wait for room instead of being
 * spent without updates; once the file is deleted the run goes on, and it ends with every round
 * committed once, all but the one in flight aggregated, and a ledger that verifies.
 */
class DiskFullIT {

  static final int ROUNDS = 8;
  static final String[] JOB = {"--model", "logreg", "--rounds", Integer.toString(ROUNDS), "--seed", "11",
      "--local-epochs", "1", "--batch-size", "100", "--min-clients", "2", "--contribution", "off",
      "--heartbeat-interval", "1", "--http", "off", "--insecure"};

  @TempDir Path dir;
  final List<Process> processes = new ArrayList<>();
  Path mount;

  @AfterEach
  void cleanUp() throws Exception {
    processes.forEach(Process::destroyForcibly);
    for (Process p : processes) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (mount != null) {
      command("umount", mount.toString());
    }
  }

  @Test
  void roundsWaitForRoomInsteadOfBeingSpentAndTheRunEndsOnceThereIsRoom() throws Exception {
    Shoal.Result data = Shoal.run(dir, "data", "partition", "--clients", "2", "--seed", "11", "--out", "sites");
    assertThat(data.exitCode()).as(data.err()).isZero();
    Path image = dir.resolve("fs.img");
    try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(48L << 20);
    }
    assertThat(command("mkfs.ext4", "-q", "-F", image.toString())).isZero();
    Path mnt = Files.createDirectory(dir.resolve("mnt"));
    assertThat(command("mount", "-o", "loop", image.toString(), mnt.toString()))
        .as("mounting a file system image needs root and a loop device").isZero();
    mount = mnt;

    int port = CommitChaosIT.freePort();
    Path state = mnt.resolve("state");
    Process coordinator = start("coordinator", FederationIT.concat(new String[] {"coordinator", "--state-dir",
        state.toString(), "--listen", "127.0.0.1:" + port}, JOB));
    for (int i = 0; i < 2; i++) {
      String name = "client-00" + i;
      start(name, "node", "--coordinator", "127.0.0.1:" + port, "--data-path", dir.resolve("sites/" + name).toString(),
          "--heartbeat-interval", "1", "--reconnect-max", "1", "--insecure", "--name", name);
    }
    await(() -> completedRounds(state) >= 2, "two rounds", coordinator);

    Path filler = mnt.resolve("filler");
    fill(filler);
    await(() -> Files.readString(dir.resolve("coordinator.err")).contains("round waiting for room"),
        "a round to wait for room", coordinator);
    int held = CommitChaosIT.completedRounds(state).size();
    Thread.sleep(8_000);
    assertThat(CommitChaosIT.completedRounds(state)).as("rounds while the disk is full").hasSize(held);
    assertThat(coordinator.isAlive()).as("the coordinator keeps serving").isTrue();

    Files.delete(filler);
    assertThat(coordinator.waitFor(5, TimeUnit.MINUTES)).as("the run ends once there is room").isTrue();
    assertThat(coordinator.exitValue()).as(Files.readString(dir.resolve("coordinator.err"))).isZero();
    List<Integer> all = java.util.stream.IntStream.rangeClosed(1, ROUNDS).boxed().toList();
    assertThat(CommitChaosIT.completedRounds(state)).containsExactlyElementsOf(all);
    assertThat(CommitChaosIT.metricsRounds(state)).containsExactlyElementsOf(all);
    long aggregated = Files.readAllLines(state.resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"aggregated\":true")).count();
    assertThat(aggregated).as("every round but the one in flight when the disk filled up")
        .isGreaterThanOrEqualTo(ROUNDS - 1);
    Shoal.Result verify = Shoal.run(dir, "ledger", "verify", state.toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
  }

  /** Rounds the running coordinator has completed; 0 while it is still creating its database. */
  static int completedRounds(Path state) throws Exception {
    try {
      return CommitChaosIT.completedRounds(state).size();
    } catch (java.sql.SQLException notYet) {
      return 0;
    }
  }

  /**
   * Writes {@code file} until its file system has no block left, then gives 256 KiB back: as full
   * as a disk gets for a coordinator (no usable space: the blocks ext4 keeps for root are taken
   * too), with room only for a round's small bookkeeping, so that the rounds' commits do not fail
   * and the test sees what the lack of room does to the rounds.
   */
  static void fill(Path file) throws IOException {
    byte[] block = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException e) {
      assertThat(e.getMessage()).as("the file system is full").contains("No space left on device");
    }
    try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() - (256 << 10));
    }
    assertThat(Files.getFileStore(file).getUsableSpace()).as("usable space").isZero();
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  void await(Condition condition, String what, Process coordinator) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!condition.holds()) {
      assertThat(coordinator.isAlive()).as("the coordinator is running while waiting for %s: %s", what,
          Files.readString(dir.resolve("coordinator.err"))).isTrue();
      assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  Process start(String name, String... args) throws IOException {
    Process p = Shoal.start(dir, dir.resolve(name + ".out"), dir.resolve(name + ".err"), args);
    processes.add(p);
    return p;
  }

  static int command(String... args) throws Exception {
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finishes", String.join(" ", args)).isTrue();
    if (p.exitValue() != 0) {
      System.err.println(String.join(" ", args) + ": " + out);
    }
    return p.exitValue();
  }
}
