package dev.shoal.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.data.FederatedData;
import dev.shoal.privacy.DpConfig.Mode;
import dev.shoal.privacy.DpConfig.Sampling;
import dev.shoal.report.MetricsJsonl;
import dev.shoal.round.InProcessClients;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RoundEngineTest;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunConfig;
import dev.shoal.round.RunEvent;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** DP-FedAvg driven by the round engine, with in-process clients. */
class DpFedAvgRunTest {

  final RoundEngineTest.LabelTrainer trainer = new RoundEngineTest.LabelTrainer();
  final List<RunEvent> events = new ArrayList<>();

  ParameterSet run(DpConfig dp, int rounds) {
    Map<String, FederatedData> clients = new LinkedHashMap<>();
    clients.put("a", RoundEngineTest.data(1, 10));
    clients.put("b", RoundEngineTest.data(2, 10));
    clients.put("c", RoundEngineTest.data(3, 10));
    var engine = new RoundEngine(DifferentiallyPrivate.fedAvg(new FitConfig(1, 10, 0.1, 1), 0, dp),
        new InProcessClients(trainer, clients, 2), new RunConfig(rounds, 1, Duration.ofSeconds(30), 7),
        Optional.empty(), events::add);
    return engine.run(trainer.initialParameters(0));
  }

  List<RoundMetrics> rounds() {
    return events.stream().filter(e -> e instanceof RunEvent.RoundFinished)
        .map(e -> ((RunEvent.RoundFinished) e).metrics()).toList();
  }

  @Test
  void privacyMetricsReachEveryRoundsMetricsAndTheTargetEndsTheRunEarly() {
    double eps2 = new RdpAccountant().steps(1.0, 5.0, 2).epsilon(1e-5).epsilon();
    double eps3 = new RdpAccountant().steps(1.0, 5.0, 3).epsilon(1e-5).epsilon();
    DpConfig dp = new DpConfig(5.0, new Clipping.Fixed(0.01), Sampling.FIXED, 1.0, 1e-5,
        OptionalDouble.of((eps2 + eps3) / 2), Conversion.BALLE, Mode.CENTRAL);
    ParameterSet result = run(dp, 10);
    assertThat(rounds()).hasSize(2);
    assertThat(rounds()).allSatisfy(m -> assertThat(m.extra())
        .containsKeys("epsilon", "delta", "clip_norm", "noise_stddev", "clients_clipped_fraction"));
    assertThat(rounds().get(1).extra().get("epsilon")).isEqualTo(eps2);
    assertThat(rounds().get(0).extra().get("clients_clipped_fraction")).isEqualTo(1.0);
    assertThat(MetricsJsonl.line(rounds().get(0))).contains("\"epsilon\":", "\"noise_stddev\":0.05");
    var finished = (RunEvent.RunFinished) events.get(events.size() - 1);
    assertThat(finished.history()).hasSize(2);
    assertThat(finished.model()).isEqualTo(result);
    // Every update is clipped to 0.01 and the noise on the mean is 5·0.01/3 per coordinate.
    for (float v : result.read("w").data()) {
      assertThat((double) v).isCloseTo(0, within(0.2));
    }
  }
}
