package dev.shoal.round;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.strategy.Strategies;
import dev.shoal.strategy.Strategy;
import dev.shoal.strategy.StrategyContext;
import dev.shoal.strategy.StrategyParameters;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A robust strategy in the round loop: its condition on the number of updates is checked each round. */
class RobustRoundTest {

  final RoundEngineTest.LabelTrainer trainer = new RoundEngineTest.LabelTrainer();
  final List<RunEvent> events = new ArrayList<>();

  ParameterSet run(int engineMinClients, int... labels) {
    Strategy krum = Strategies.installed().create("krum", new StrategyContext(new FitConfig(1, 10, 0.1, 1), 1.0, 5, 0.0),
        new StrategyParameters("krum", Map.of("f", "1")));
    var clients = new java.util.LinkedHashMap<String, dev.shoal.data.FederatedData>();
    for (int i = 0; i < labels.length; i++) {
      clients.put("c" + i, RoundEngineTest.data(labels[i], 10 + i));
    }
    var engine = new RoundEngine(krum, new InProcessClients(trainer, clients, 2),
        new RunConfig(1, engineMinClients, Duration.ofSeconds(60), 5),
        Optional.of(p -> new Evaluation(1, 0.0, 0.0)), events::add);
    return engine.run(trainer.initialParameters(0));
  }

  @Test
  void krumTakesTheUpdateClosestToItsNeighbours() {
    // updates 1, 2, 3, 4, 6 in each of 3 coordinates; scores over 2 neighbours: 15, 6, 6, 15, 39 -> c1 (first on the tie)
    assertThat(run(5, 1, 2, 3, 4, 6).tensor("w").orElseThrow().data()).containsExactly(2f, 2f, 2f);
  }

  @Test
  void aRoundWhoseUpdatesBreakTheConditionKeepsTheModel() {
    // four updates with f=1: Krum needs n > 2f + 2; the engine alone would accept 2
    ParameterSet result = run(2, 1, 2, 3, 4);
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(0f, 0f, 0f);
    RoundMetrics m = events.stream().filter(e -> e instanceof RunEvent.RoundFinished)
        .map(e -> ((RunEvent.RoundFinished) e).metrics()).findFirst().orElseThrow();
    assertThat(m.aggregated()).isFalse();
    assertThat(m.clients()).isEqualTo(4);
  }
}
