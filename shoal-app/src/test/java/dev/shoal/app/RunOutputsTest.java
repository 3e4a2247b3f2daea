package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where each run of a state directory keeps its outputs, and how readers find them by name. */
class RunOutputsTest {

  @TempDir Path state;

  @Test
  void theFirstRunKeepsTheTopOfTheStateDirectoryAndEveryLaterRunGetsItsOwn() {
    assertThat(RunOutputs.placement(state, List.of(), "a")).isEqualTo(state);
    assertThat(RunOutputs.placement(state, List.of("a"), "a")).isEqualTo(state);
    assertThat(RunOutputs.placement(state, List.of("a", "b"), "a")).isEqualTo(state);
    assertThat(RunOutputs.placement(state, List.of("a"), "b")).isEqualTo(state.resolve("runs/b"));
    assertThat(RunOutputs.placement(state, List.of("a", "b"), "b")).isEqualTo(state.resolve("runs/b"));
    assertThatThrownBy(() -> RunOutputs.placement(state, List.of("a"), "../elsewhere"))
        .isInstanceOf(UserError.class).hasMessageContaining("--run-name '../elsewhere'");
  }

  @Test
  void readersFindARunByName() throws Exception {
    RunLedger.open(state, "a").close();
    RunLedger.open(state.resolve("runs/b"), "b").close();
    assertThat(RunOutputs.forReading(state, null)).isEqualTo(state);
    assertThat(RunOutputs.forReading(state, "a")).isEqualTo(state);
    assertThat(RunOutputs.forReading(state, "b")).isEqualTo(state.resolve("runs/b"));
    assertThatThrownBy(() -> RunOutputs.forReading(state, "c")).isInstanceOf(UserError.class)
        .hasMessageContaining("no run 'c' in " + state).hasMessageContaining("[a, b]");
    assertThat(Files.exists(state.resolve("runs/c"))).isFalse();
  }

  @Test
  void aLedgerDirectoryOfAnotherRunIsRefused() throws Exception {
    RunLedger.open(state, "a").close();
    assertThatThrownBy(() -> RunLedger.open(state, "b")).isInstanceOf(UserError.class)
        .hasMessageContaining("belongs to the log 'shoal/a', not to 'shoal/b'");
  }
}
