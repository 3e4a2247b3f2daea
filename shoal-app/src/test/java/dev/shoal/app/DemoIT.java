package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job, exactly as the README tells a new user to run it. */
class DemoIT {

  @TempDir Path dir;

  @Test
  void demoTrainsTheMlpToAtLeast93PercentAndWritesItsOutputs() throws Exception {
    Shoal.Result r = Shoal.run(dir, "demo", "--out", "demo");
    assertThat(r.exitCode()).as("stderr:%n%s", r.err()).isZero();
    assertThat(r.out()).contains("round 15/15").contains("done: 15 rounds");

    List<String> lines = Files.readAllLines(dir.resolve("demo/metrics.jsonl"));
    assertThat(lines).hasSize(15);
    JsonNode last = new ObjectMapper().readTree(lines.get(14));
    assertThat(last.get("round").asInt()).isEqualTo(15);
    assertThat(last.get("clients").asInt()).isEqualTo(10);
    assertThat(last.get("failures").asInt()).isZero();
    assertThat(last.get("test_accuracy").asDouble()).isGreaterThanOrEqualTo(0.93);
    assertThat(last.get("bytes_up").asLong()).isGreaterThan(10 * 199_210 * 4L);

    ParameterSet model = Safetensors.read(dir.resolve("demo/model.safetensors"));
    assertThat(model.parameterCount()).isEqualTo(199_210);
    assertThat(model.metadata()).containsEntry("model", "mlp").containsEntry("round", "15");
    Shoal.Result verified = Shoal.run(dir, "ledger", "verify", "demo");
    assertThat(verified.exitCode()).as("stderr:%n%s", verified.err()).isZero();
    assertThat(verified.out()).contains("ledger verified: 16 entries, 16 signed checkpoints");
    System.out.println("demo final round: " + lines.get(14));

    // the README's sample output is what the demo prints, line for line, up to the figures
    List<String> printed = r.out().lines().map(DemoIT::shape).toList();
    List<String> sample = readmeSample().stream().filter(l -> !l.equals("...")).map(DemoIT::shape).toList();
    int at = 0;
    for (String line : sample) {
      while (at < printed.size() && !printed.get(at).equals(line)) {
        at++;
      }
      assertThat(at).as("the README's sample line '%s' among what the demo printed:%n%s", line, r.out())
          .isLessThan(printed.size());
      at++;
    }
  }

  /** A line with every run of digits as '#', every model id as ID and the README's run directory as the test's. */
  private static String shape(String line) {
    return line.replaceAll("runs/demo-\\d{8}-\\d{6}", "demo").replaceAll("sha256:\\p{XDigit}+", "sha256:ID")
        .replaceAll("\\d+", "#");
  }

  /** The README's sample of the demo's output: the code block that starts with the data line. */
  private static List<String> readmeSample() throws java.io.IOException {
    Path readme = Path.of("..", "README.md");
    List<String> all = Files.readAllLines(readme);
    int start = 1;
    while (start < all.size() && !(all.get(start - 1).equals("```") && all.get(start).startsWith("data: "))) {
      start++;
    }
    int end = all.subList(start, all.size()).indexOf("```") + start;
    assertThat(end).as("a code block in README.md that starts with 'data: '").isGreaterThan(start);
    return all.subList(start, end);
  }
}
