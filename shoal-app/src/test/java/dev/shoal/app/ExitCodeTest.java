package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes as docs/configuration.md gives them: 0 done, 1 failed, 2 bad usage. */
class ExitCodeTest extends InProcessCommandTest {

  @TempDir Path dir;

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anUnknownCommandOrOptionIsBadUsage() {
    assertThat(shoal("simulat")).isEqualTo(2);
    assertThat(err()).contains("simulat");
    assertThat(shoal("simulate", "--roundz", "3")).isEqualTo(2);
    assertThat(err()).contains("--roundz");
    assertThat(shoal("pki", "nonsense")).isEqualTo(2);
  }

  @Test
  void aMissingOrMalformedValueIsBadUsage() {
    assertThat(shoal("init-model", "--seed", "1")).isEqualTo(2);
    assertThat(err()).contains("--model").contains("--output");
    assertThat(shoal("simulate", "--rounds", "many")).isEqualTo(2);
    assertThat(err()).contains("--rounds").contains("many");
    assertThat(shoal("privacy", "epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "10",
        "--delta", "1e-5", "--conversion", "other")).isEqualTo(2);
  }

  @Test
  void aBadJobFileIsBadUsage() {
    assertThat(shoal("simulate", "--config", dir.resolve("none.yaml").toString())).isEqualTo(2);
    assertThat(err()).isEqualTo("error: " + dir.resolve("none.yaml") + ": no such job file\n");
  }

  @Test
  void helpAndVersionAreDone() {
    assertThat(shoal("--help")).isZero();
    assertThat(shoal("simulate", "--help")).isZero();
    assertThat(shoal("--version")).isZero();
  }
}
