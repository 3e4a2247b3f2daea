package dev.shoal.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package installer of the operations tests waits while another apt or dpkg process holds the
 * lock, instead of failing the build. The lock is held by an {@code apt-get} on the PATH that
 * answers as Debian's does while another process holds it, for as many calls as the test says.
 */
class AptWaitingTest {

  @TempDir Path dir;

  @Test
  void waitsWhileAnotherProcessHoldsTheLockThenInstalls() throws Exception {
    Result r = aptWaiting(2, "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err().lines().filter(l -> l.equals("apt-get install: another package manager holds the lock; waiting")))
        .hasSize(2);
    assertThat(Files.readAllLines(dir.resolve("calls"))).hasSize(3);
  }

  @Test
  void anyOtherFailureEndsAtOnceWithAptsMessage() throws Exception {
    Result r = aptWaiting(1, "E: Unable to locate package prometheus");
    assertThat(r.exit()).isEqualTo(100);
    assertThat(r.err()).contains("E: Unable to locate package prometheus").doesNotContain("waiting");
    assertThat(Files.readAllLines(dir.resolve("calls"))).hasSize(1);
  }

  private record Result(int exit, String err) {}

  /** Runs {@code apt_waiting install x} with an apt-get that fails {@code failures} times with {@code message}. */
  private Result aptWaiting(int failures, String message) throws IOException, InterruptedException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path aptGet = bin.resolve("apt-get");
    Files.writeString(aptGet, """
        #!/usr/bin/env bash
        echo "$*" >> "%s"
        if [ "$(wc -l < "%s")" -le %d ]; then echo '%s' >&2; exit 100; fi
        """.formatted(dir.resolve("calls"), dir.resolve("calls"), failures, message));
    Files.setPosixFilePermissions(aptGet, PosixFilePermissions.fromString("rwx------"));
    Path script = scripts().resolve("apt-waiting.sh");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; source \"$0\"; apt_waiting install x",
        script.toString());
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("APT_LOCK_PAUSE", "0");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), err);
  }

  private static Path scripts() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("scripts/apt-waiting.sh"))) {
        return p.resolve("scripts");
      }
    }
    throw new IllegalStateException("no scripts/apt-waiting.sh in " + Path.of("").toAbsolutePath() + " or above it");
  }
}
