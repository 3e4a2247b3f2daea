package dev.shoal.app;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A run's specs: how nodes train, how the federation runs, and, for a simulation, its clients
 * and data. A coordinator has no simulation spec: its nodes bring their own data.
 */
record Specs(TrainingSpec training, FederationSpec federation, Optional<SimulationSpec> simulation) {

  /** The main job: the FedAvg paper's 2NN on IID MNIST across 10 clients, 15 rounds. */
  static Specs demo() {
    return new Specs(new TrainingSpec("mlp", 2, 10, 0.1, 42),
        new FederationSpec(15, 1.0, 2, 0.0, Duration.ofMinutes(10), StrategyChoice.DEFAULT, Privacy.NONE,
            Provenance.DEMO, Optional.empty(), OptionalInt.of(10)),
        Optional.of(new SimulationSpec(10, "iid", 0.5, 1, Optional.empty())));
  }

  Specs {
    if (simulation.isPresent() && federation.nodes().orElse(-1) != simulation.get().clients()) {
      throw new IllegalArgumentException("a simulation's federation has its " + simulation.get().clients() + " clients");
    }
  }

  RunIdentity identity() {
    return RunIdentity.of(training, federation, simulation);
  }

  /** The simulation spec; only simulations have one. */
  SimulationSpec simulationSpec() {
    return simulation.orElseThrow(() -> new IllegalStateException("not a simulation"));
  }
}
