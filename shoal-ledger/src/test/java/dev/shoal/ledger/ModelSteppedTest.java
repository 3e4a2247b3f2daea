package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code model_stepped} entry of an asynchronous run: its canonical JSON, reading it back, refusals. */
class ModelSteppedTest {

  private static final String H1 = "sha256:" + "1".repeat(64);
  private static final String H2 = "sha256:" + "2".repeat(64);
  private static final String H3 = "sha256:" + "3".repeat(64);

  static final ModelStepped STEP = new ModelStepped("sim", 3, H2, List.of(
      new ModelStepped.Update("n4", H3, 2, 0.5), new ModelStepped.Update("n1", H1, 0, 1.0),
      new ModelStepped.Update("n4", H1, 0, 1.0)), Map.of("test_accuracy", 0.91, "virtual_time", 812.5));

  @Test
  void aStepIsCanonicalJsonListingItsUpdatesInArrivalOrder() {
    assertThat(new String(STEP.toJson(), StandardCharsets.UTF_8)).isEqualTo("{\"metrics\":{\"test_accuracy\":0.91,"
        + "\"virtual_time\":812.5},\"modelId\":\"" + H2 + "\",\"run\":\"sim\",\"step\":3,\"type\":\"model_stepped\","
        + "\"updates\":[{\"commitment\":\"" + H3 + "\",\"node\":\"n4\",\"staleness\":2,\"weight\":0.5},"
        + "{\"commitment\":\"" + H1 + "\",\"node\":\"n1\",\"staleness\":0,\"weight\":1},"
        + "{\"commitment\":\"" + H1 + "\",\"node\":\"n4\",\"staleness\":0,\"weight\":1}]}");
    assertThat(STEP.participants()).containsExactly("n4", "n1");
  }

  @Test
  void itReadsBackEqual() {
    assertThat(LedgerEntry.parse(STEP.toJson())).isEqualTo(STEP);
  }

  @Test
  void malformedStepsAreRefusedWithTheReason() {
    String ok = new String(STEP.toJson(), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> LedgerEntry.parse(ok.replace("\"staleness\":2", "\"staleness\":-2")
        .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("updates.staleness -2 is out of range");
    assertThatThrownBy(() -> LedgerEntry.parse(ok.replace("\"weight\":0.5", "\"weight\":0.5,\"x\":1")
        .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("unknown field \"x\"");
    assertThatThrownBy(() -> LedgerEntry.parse(ok.replace("\"updates\":[", "\"updates\":[1,")
        .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("must hold only objects");
    assertThatThrownBy(() -> new ModelStepped("sim", 1, H1, List.of(), Map.of()))
        .hasMessage("a model step folds at least one update; updates is empty");
    assertThatThrownBy(() -> new ModelStepped.Update("n1", H1, 0, 0))
        .hasMessage("updates.weight is 0.0: only positive finite numbers are allowed");
  }
}
