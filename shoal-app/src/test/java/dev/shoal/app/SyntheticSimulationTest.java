package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --data synthetic:ALPHA,BETA}: a hundred thousand registered clients, and the refusals. */
class SyntheticSimulationTest extends InProcessCommandTest {

  @TempDir Path dir;

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aHundredThousandClientsTrainTenARoundAndTheSameSeedGivesTheSameModel() throws Exception {
    byte[][] models = new byte[2][];
    for (int run = 0; run < 2; run++) {
      Path out = dir.resolve("run" + run);
      assertThat(shoal("simulate", "--model", "logreg", "--data", "synthetic:1,1", "--clients", "100000",
          "--fraction", "0.0001", "--rounds", "2", "--lr", "0.01", "--contribution", "off", "--out", out.toString()))
          .as(err()).isZero();
      String console = this.out.toString(StandardCharsets.UTF_8);
      assertThat(console).containsPattern(
          "data: Synthetic\\(1\\.0, 1\\.0\\), 100,000 clients, each made when sampled; held-out test set: [\\d,]+ examples of 100 clients");
      List<String> rounds = Files.readAllLines(out.resolve("metrics.jsonl"));
      assertThat(rounds).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"clients\":10,", "\"failures\":0,"));
      models[run] = Files.readAllBytes(out.resolve("model.safetensors"));
    }
    assertThat(models[1]).isEqualTo(models[0]);
  }

  @Test
  void badSyntheticDataIsRefusedInOneLine() {
    assertThat(shoal("simulate", "--data", "synthetic:1", "--out", dir.resolve("a").toString())).isEqualTo(2);
    assertThat(err()).isEqualTo("error: --data: synthetic data is synthetic:ALPHA,BETA (e.g. synthetic:1,1), got synthetic:1\n");
    assertThat(shoal("simulate", "--data", "synthetic:1,x", "--out", dir.resolve("b").toString())).isEqualTo(2);
    assertThat(err()).isEqualTo("error: --data: synthetic:ALPHA,BETA takes two numbers, got synthetic:1,x\n");
    assertThat(shoal("simulate", "--data", "synthetic:1,1", "--transport", "grpc", "--out", dir.resolve("c").toString()))
        .isNotZero();
    assertThat(err()).isEqualTo("error: --data synthetic:ALPHA,BETA: synthetic clients run in this process; "
        + "--transport grpc needs clients with partitioned data\n");
    assertThat(shoal("simulate", "--data", "synthetic:1,1", "--attack", "sign-flip", "--attackers", "1",
        "--out", dir.resolve("d").toString())).isNotZero();
    assertThat(err()).isEqualTo(
        "error: --attack needs clients with partitioned data; it cannot go with --data synthetic:ALPHA,BETA\n");
    assertThat(shoal("data", "partition", "--data", "synthetic:1,1", "--clients", "2", "--out", dir.resolve("e").toString()))
        .isEqualTo(2);
    assertThat(err()).isEqualTo("error: --data synthetic:1,1: synthetic clients exist only in a simulation "
        + "(shoal simulate); give a file or directory\n");
  }
}
