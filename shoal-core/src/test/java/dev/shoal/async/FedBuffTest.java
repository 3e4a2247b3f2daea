package dev.shoal.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.shoal.round.FitTimes;
import dev.shoal.round.InProcessClients;
import dev.shoal.round.RoundEngineTest;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunEvent;
import dev.shoal.round.StepUpdate;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** FedBuff's staleness weights, its buffer's step, and its engine on the virtual clock, on hand-computed cases. */
class FedBuffTest {

  private static ParameterSet w(float... values) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {values.length}, values)));
  }

  @Test
  void stalenessWeightsArePolynomial() {
    FedBuff half = new FedBuff(4, 2, 0.5, 1.0);
    assertThat(half.weight(0)).isEqualTo(1.0);
    assertThat(half.weight(3)).isEqualTo(0.5);
    assertThat(new FedBuff(4, 2, 1.0, 1.0).weight(1)).isEqualTo(0.5);
    assertThat(new FedBuff(4, 2, 2.0, 1.0).weight(3)).isEqualTo(1 / 16.0);
    assertThat(new FedBuff(4, 2, 0.0, 1.0).weight(100)).isEqualTo(1.0);
  }

  @Test
  void theModelStepsByTheServerRateTimesTheBuffersMeanWeightedDelta() {
    UpdateBuffer buffer = new UpdateBuffer(w(0, 0, 0), 2);
    buffer.add(w(3, 3, 3), w(1, 1, 1), 1.0); // delta (2, 2, 2)
    assertThat(buffer.full()).isFalse();
    buffer.add(w(4, 0, 4), w(0, 0, 0), 0.5); // delta (4, 0, 4), half weight
    assertThat(buffer.full()).isTrue();
    // sum (4, 2, 4), mean over the buffer (2, 1, 2), times 0.5, onto (1, 2, 3)
    ParameterSet next = buffer.step(w(1, 2, 3), 0.5, Map.of("round", "1"));
    assertThat(next.read("w").data()).containsExactly(2f, 2.5f, 4f);
    assertThat(next.metadata()).containsEntry("round", "1");
    assertThat(buffer.count()).isZero();
    assertThatThrownBy(() -> buffer.step(next, 1, Map.of())).hasMessage("the buffer holds 0 of 2 updates");
  }

  @Test
  void settingsThatCannotWorkAreRefused() {
    assertThatThrownBy(() -> new FedBuff(4, 5, 0.5, 1)).hasMessage("buffer 5 is more than the concurrency 4: each"
        + " model step would wait for more updates than there are clients training; use a buffer <= 4");
    assertThatThrownBy(() -> new FedBuff(0, 1, 0.5, 1)).hasMessage("concurrency must be >= 1, got 0");
    assertThatThrownBy(() -> new FedBuff(4, 2, -1, 1)).hasMessage("staleness exponent must be a number >= 0, got -1.0");
    assertThatThrownBy(() -> new FedBuff(4, 2, 0.5, 0)).hasMessage("server learning rate must be a positive number, got 0.0");
  }

  /**
   * Three clients that set every parameter to their label (1, 2, 3), taking 1, 2 and 4 virtual
   * seconds; all three train at all times, so each relaunches as it arrives; a step per update.
   * t=1: c0 (fresh) steps 0 → 1; t=2: c1 (1 step stale, weight 1/2, delta 2) steps to 2, then c0
   * (from model 1, 1 step stale, delta 0) keeps 2; t=3: c0 (fresh, delta 1 − 2) steps to 1.
   */
  @Test
  void theEngineFoldsUpdatesInVirtualTimeWithTheirStaleness() {
    var trainer = new RoundEngineTest.LabelTrainer();
    var clients = new InProcessClients(trainer, Map.of("c0", RoundEngineTest.data(1, 10),
        "c1", RoundEngineTest.data(2, 10), "c2", RoundEngineTest.data(3, 10)), 1);
    var times = new FitTimes(Map.of("c0", 1.0, "c1", 0.5, "c2", 0.25), Map.of(), 0.1);
    List<RunEvent> events = new ArrayList<>();
    ParameterSet last = new AsyncEngine(new FedBuff(3, 1, 1.0, 1.0), clients, times, new FitConfig(1, 10, 0.1, 5), 4, 5,
        Optional.empty(), events::add).run(trainer.initialParameters(5));

    List<RunEvent.RoundFinished> steps = events.stream().filter(e -> e instanceof RunEvent.RoundFinished)
        .map(e -> (RunEvent.RoundFinished) e).toList();
    assertThat(steps).extracting(s -> s.metrics().round()).containsExactly(1, 2, 3, 4);
    assertThat(steps).extracting(s -> s.metrics().extra().get("virtual_time")).containsExactly(1.0, 2.0, 2.0, 3.0);
    assertThat(steps).extracting(s -> s.model().read("w").data()[0]).containsExactly(1f, 2f, 2f, 1f);
    assertThat(steps).allSatisfy(s -> assertThat(s.record().stepUpdates()).hasSize(1));
    assertThat(steps).extracting(s -> s.record().stepUpdates().get(0))
        .extracting(StepUpdate::client, StepUpdate::staleness, StepUpdate::weight).containsExactly(
            tuple("c0", 0, 1.0), tuple("c1", 1, 0.5), tuple("c0", 1, 0.5), tuple("c0", 0, 1.0));
    assertThat(steps).extracting(s -> s.record().stepUpdates().get(0).commitment())
        .allMatch(c -> c.matches("sha256:[0-9a-f]{64}")).doesNotHaveDuplicates();
    assertThat(steps).extracting(s -> s.metrics().extra().get("staleness_max")).containsExactly(0.0, 1.0, 1.0, 0.0);
    assertThat(last.read("w").data()).containsExactly(1f, 1f, 1f);
    assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(RunEvent.RunFinished.class,
        f -> assertThat(f.history()).extracting(RoundMetrics::round).containsExactly(1, 2, 3, 4));
  }
}
