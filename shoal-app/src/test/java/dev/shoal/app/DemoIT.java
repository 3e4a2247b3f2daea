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
  }
}
