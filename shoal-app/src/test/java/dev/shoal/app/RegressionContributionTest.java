package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Contribution scores of a regression, which has no accuracy: by the negative loss. */
class RegressionContributionTest extends InProcessCommandTest {

  @TempDir Path dir;

  @Test
  void aRegressionRunScoresItsClientsByLoss() {
    Path run = dir.resolve("run");
    assertThat(shoal("simulate", "--data", Path.of("..", "examples", "data", "diabetes.csv").toString(),
        "--label", "progression", "--model", "logreg", "--lr", "0.01", "--clients", "3", "--rounds", "2",
        "--out", run.toString()))
        .as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(shoal("ledger", "show", run.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("round 2, model sha256:\\w+, 3 participants, rewards \\{client-000=");
  }
}
