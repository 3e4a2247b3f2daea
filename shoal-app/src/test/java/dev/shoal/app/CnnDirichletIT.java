package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FedAvg paper's CNN on label-skewed clients, with the command line from the README. */
class CnnDirichletIT {

  @TempDir Path dir;

  @Test
  void cnnOnDirichletHalfReaches96PercentIn20Rounds() throws Exception {
    Shoal.Result r = Shoal.run(dir, "simulate", "--model", "cnn", "--clients", "10", "--partition", "dirichlet",
        "--alpha", "0.5", "--rounds", "20", "--local-epochs", "1", "--contribution", "off", "--out", "cnn");
    assertThat(r.exitCode()).as("stderr:%n%s", r.err()).isZero();
    List<String> lines = Files.readAllLines(dir.resolve("cnn/metrics.jsonl"));
    assertThat(lines).hasSize(20);
    double accuracy = new ObjectMapper().readTree(lines.get(19)).get("test_accuracy").asDouble();
    System.out.println("cnn dirichlet(0.5) final round: " + lines.get(19));
    assertThat(accuracy).isGreaterThanOrEqualTo(0.96);
  }
}
