package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A simulation stopped part way says how far it got, and a second run into its directory is refused. */
class InterruptIT {

  @TempDir Path dir;

  @Test
  void aStoppedRunSaysHowFarItGotAndItsDirectoryIsNotReused() throws Exception {
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = Shoal.start(dir, out, err, "simulate", "--model", "logreg", "--clients", "2", "--rounds", "200",
        "--contribution", "off", "--out", "run");
    try {
      for (int i = 0; i < 600 && !Files.readString(out, StandardCharsets.UTF_8).contains("round   2/200"); i++) {
        assertThat(p.isAlive()).as(Files.readString(err)).isTrue();
        Thread.sleep(500);
      }
    } finally {
      p.destroy(); // SIGTERM, as Ctrl-C's SIGINT, runs the shutdown hooks
      p.waitFor(60, TimeUnit.SECONDS);
    }
    assertThat(Files.readString(out, StandardCharsets.UTF_8)).containsPattern("interrupted after round \\d+ of 200")
        .contains("run it again with a new --out");

    Shoal.Result again = Shoal.run(dir, "simulate", "--model", "logreg", "--clients", "2", "--rounds", "2",
        "--out", "run");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("--out run already holds a run", "give a new --out");
  }
}
