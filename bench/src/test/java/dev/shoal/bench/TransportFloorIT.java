package dev.shoal.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link TransportFloor} end to end, small: real server, client JVM and blob store, every mode run
 * once. It says nothing about speed; it checks that every round completes and is reported.
 */
class TransportFloorIT {

  @Test
  void everyModeCompletesItsRoundsAndIsReported() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      // an odd size: the last message of each transfer is a partial one
      TransportFloor.main(new String[] {"--clients", "4", "--bytes", "3000001", "--rounds", "3", "--warmup", "1"});
    } finally {
      System.setOut(stdout);
    }
    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(report).contains("4 clients, 3,000,001 bytes each way per client, 1 warm-up + 3 measured rounds")
        .containsPattern("(?m)^1 warm +bytes ")
        .containsPattern("(?m)^3 +sha256\\+disk ")
        .containsPattern("(?m)^4 +bytes ")
        .containsPattern("mean bytes +server CPU s per round \\d+\\.\\d\\d \\(1 rounds")
        .containsPattern("mean sha256 +server CPU s per round \\d+\\.\\d\\d \\(1 rounds")
        .containsPattern("mean sha256\\+disk +server CPU s per round \\d+\\.\\d\\d \\(1 rounds");
  }
}
