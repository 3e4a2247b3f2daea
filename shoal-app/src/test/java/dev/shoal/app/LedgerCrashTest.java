package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.ledger.LedgerLog;
import dev.shoal.ledger.RunStarted;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process killed with SIGKILL while it appends to a run's ledger leaves a ledger that verifies. */
@Tag("slow")
class LedgerCrashTest {

  @TempDir Path dir;

  /** The child: appends entries to the ledger of the run in {@code args[0]} until it is killed. */
  public static void main(String[] args) throws Exception {
    try (RunLedger ledger = RunLedger.open(Path.of(args[0]), "crash")) {
      while (true) {
        ledger.append(new RunStarted("crash", "sha256:" + "0".repeat(64), "fedavg", Instant.now()));
      }
    }
  }

  @Test
  void killingTheWriterAtAnyMomentLeavesALedgerThatVerifies() throws Exception {
    Path run = dir.resolve("run");
    Path log = run.resolve(RunLedger.DIR).resolve(LedgerLog.FILE_NAME);
    SplittableRandom random = new SplittableRandom(7);
    long before = 0;
    for (int kill = 0; kill < 6; kill++) {
      Process writer = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
          "-cp", System.getProperty("java.class.path"), LedgerCrashTest.class.getName(), run.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("writer-" + kill + ".log").toFile()).start();
      long grown = before + 20 * 100; // at least twenty more entries' worth of bytes
      for (int i = 0; i < 600 && writer.isAlive() && (!Files.exists(log) || Files.size(log) < grown); i++) {
        Thread.sleep(50);
      }
      Thread.sleep(random.nextInt(100));
      writer.destroyForcibly();
      assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.size(log)).as("the writer appended before it was killed").isGreaterThan(before);

      // a reader checks the ledger as the kill left it: at most the traces of one append
      LedgerCheck left = LedgerCheck.of(run);
      assertThat(left.notices()).hasSizeLessThanOrEqualTo(2);
      List<String> notices = new ArrayList<>(left.notices());
      System.out.printf("kill %d: %d entries, %s%n", kill, left.entries().size(),
          notices.isEmpty() ? "clean" : String.join("; ", notices));
      // opening it again for writing repairs the tail and signs what was appended
      RunLedger.open(run, "crash").close();
      LedgerCheck repaired = LedgerCheck.of(run);
      assertThat(repaired.notices()).as("after %s", notices).isEmpty();
      assertThat(repaired.latest().size()).isEqualTo(repaired.entries().size());
      before = Files.size(log);
    }
  }
}
