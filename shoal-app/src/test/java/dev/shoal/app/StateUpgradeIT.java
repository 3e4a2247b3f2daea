package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.tensor.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state directory written by the Shoal before run identities became canonical JSON (the
 * fixture: a coordinator killed after round 2 of 3, see its README) resumes with today's Shoal,
 * and reaches the model an uninterrupted run of the same job reaches.
 */
class StateUpgradeIT {

  static final String[] JOB = {"--model", "logreg", "--rounds", "3", "--min-clients", "2", "--seed", "5",
      "--local-epochs", "1"};

  @TempDir Path dir;
  final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopAll() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void aStateDirectoryFromBeforeTheSpecsResumesAndFinishesTheRun() throws Exception {
    copyFixture(Path.of("src/test/resources/fixtures/state-before-specs"), dir.resolve("state"));
    // a checkout keeps no file modes but the executable bit; the ledger key was 0600 where it was written
    Files.setPosixFilePermissions(dir.resolve("state/ledger/log.key"), PosixFilePermissions.fromString("rw-------"));
    Shoal.Result r = Shoal.run(dir, "data", "partition", "--clients", "2", "--seed", "5", "--out", "sites");
    assertThat(r.exitCode()).as(r.err()).isZero();
    int port = FederationIT.freePort();
    Process coordinator = start("coordinator", FederationIT.concat(new String[] {"coordinator", "--state-dir", "state",
        "--insecure", "--listen", "127.0.0.1:" + port, "--http", "off"}, JOB));
    for (int i = 0; i < 2; i++) {
      start("node" + i, "node", "--coordinator", "127.0.0.1:" + port, "--insecure", "--name", "client-00" + i,
          "--data-path", "sites/client-00" + i);
    }
    assertThat(coordinator.waitFor(10, TimeUnit.MINUTES)).isTrue();
    String out = Files.readString(dir.resolve("coordinator.out"));
    assertThat(coordinator.exitValue()).as(out + Files.readString(dir.resolve("coordinator.err"))).isZero();
    assertThat(out).contains("resuming run 'default' after round 2 of 3");
    assertThat(FederationIT.rounds(dir.resolve("state/metrics.jsonl"))).containsExactly(1, 2, 3);

    r = Shoal.run(dir, FederationIT.concat(new String[] {"simulate", "--clients", "2", "--out", "sim"}, JOB));
    assertThat(r.exitCode()).as(r.err()).isZero();
    FederationIT.assertClose(Safetensors.read(dir.resolve("state/model.safetensors")),
        Safetensors.read(dir.resolve("sim/model.safetensors")));

    // the run is stored under its canonical identity from now on, and resumes under it
    Shoal.Result again = Shoal.run(dir, FederationIT.concat(new String[] {"coordinator", "--state-dir", "state",
        "--insecure", "--listen", "127.0.0.1:0", "--http", "off"}, JOB));
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).contains("resuming run 'default' after round 3 of 3");
  }

  private Process start(String name, String... args) throws Exception {
    Process p = Shoal.start(dir, dir.resolve(name + ".out"), dir.resolve(name + ".err"), args);
    processes.add(p);
    return p;
  }

  private static void copyFixture(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
