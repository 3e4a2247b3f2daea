package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How --ionice becomes an ionice command line, and which values are refused. */
class ResourceOptionsTest {

  @Test
  void ioniceClassesAndLevels() {
    assertThat(ResourceOptions.ioniceCommand("idle")).isEqualTo(List.of("ionice", "-c", "3", "-p"));
    assertThat(ResourceOptions.ioniceCommand("best-effort:7")).isEqualTo(List.of("ionice", "-c", "2", "-n", "7", "-p"));
    assertThat(ResourceOptions.ioniceCommand("REALTIME:0")).isEqualTo(List.of("ionice", "-c", "1", "-n", "0", "-p"));
    assertThat(ResourceOptions.ioniceCommand("2")).isEqualTo(List.of("ionice", "-c", "2", "-p"));
  }

  @Test
  void badIoniceValuesAreNamed() {
    assertThatThrownBy(() -> ResourceOptions.ioniceCommand("sometimes")).isInstanceOf(UserError.class)
        .hasMessage("--ionice: unknown class 'sometimes' (idle, best-effort or realtime)");
    assertThatThrownBy(() -> ResourceOptions.ioniceCommand("best-effort:8"))
        .hasMessage("--ionice: the level must be 0 to 7, as in best-effort:7, got 'best-effort:8'");
    assertThatThrownBy(() -> ResourceOptions.ioniceCommand("idle:1"))
        .hasMessage("--ionice: the idle class has no levels, got 'idle:1'");
  }

  @Test
  void thisProcessHasCpusAndANiceValue() {
    assertThat(ResourceOptions.processors()).isPositive();
    assertThat(ResourceOptions.currentNice()).isBetween(-20, 19);
  }
}
