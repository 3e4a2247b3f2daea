package dev.shoal.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.data.Dataset;
import dev.shoal.strategy.FedAvg;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExampleCapTest {

  /**
   * Honest clients (label 3) move every parameter 3 up from the global model and report their
   * 100 examples; the liar (label 0) returns the global model unchanged and claims 10⁹ examples.
   */
  static final class Liar implements Trainer {
    @Override
    public ParameterSet initialParameters(long seed) {
      return new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[2])));
    }

    @Override
    public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
      float[] w = parameters.read("w").data();
      if (data.label(0) == 0) {
        return new FitOutcome(parameters, 1_000_000_000L, Map.of());
      }
      return new FitOutcome(new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[] {w[0] + 3, w[1] + 3}))),
          data.size(), Map.of());
    }

    @Override
    public Evaluation evaluate(ParameterSet parameters, Dataset data) {
      return new Evaluation(data.size(), 0, 0);
    }
  }

  static float[] twoRounds(Optional<Long> cap) {
    Map<String, dev.shoal.data.FederatedData> clients = new LinkedHashMap<>();
    clients.put("honest-1", RoundEngineTest.data(3, 100));
    clients.put("honest-2", RoundEngineTest.data(3, 100));
    clients.put("liar", RoundEngineTest.data(0, 100));
    Liar trainer = new Liar();
    var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 0.0),
        new InProcessClients(trainer, clients, 1), new RunConfig(2, 3, Duration.ofSeconds(60), 5), Optional.empty(), e -> { });
    cap.ifPresent(engine::withExampleCap);
    return engine.run(trainer.initialParameters(0)).read("w").data();
  }

  @Test
  void aClaimOfAMillionTimesTheDataNoLongerHoldsTheModelStill() {
    // unclipped: (10⁹·0 + 100·3 + 100·3) / (10⁹ + 200) per round, the model stays at its start
    assertThat(twoRounds(Optional.empty())[0]).isLessThan(1e-5f);
    // clipped to 100: each round moves (100·3 + 100·3 + 100·0) / 300 = 2, so 4 after two rounds
    assertThat(twoRounds(Optional.of(100L))).containsExactly(4f, 4f);
  }

  @Test
  void aCapBelowOneIsRefused() {
    assertThatThrownBy(() -> ExampleCap.check(0))
        .hasMessage("the most examples a reply may claim must be >= 1, got 0");
  }
}
