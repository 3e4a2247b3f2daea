package dev.shoal.app;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A federation simulated on one machine: how many clients, how the data is split over them, and
 * how many train at once. Only {@code simulate} and {@code demo} have one; a coordinator's nodes
 * bring their own data.
 *
 * @param dataDir MNIST-format IDX files to split instead of the bundled sample
 * @param attack the clients that attack and how, if any ({@code --attack})
 * @param clock the virtual clock, if any ({@code --client-speed}; always with {@code --mode async})
 * @param async FedBuff's settings when the run is asynchronous ({@code --mode async})
 */
record SimulationSpec(int clients, String partition, double alpha, int parallelism, Optional<Path> dataDir,
    Optional<AttackSpec> attack, Optional<ClockSpec> clock, Optional<dev.shoal.async.FedBuff> async) {

  /** A synchronous simulation without a virtual clock. */
  SimulationSpec(int clients, String partition, double alpha, int parallelism, Optional<Path> dataDir,
      Optional<AttackSpec> attack) {
    this(clients, partition, alpha, parallelism, dataDir, attack, Optional.empty(), Optional.empty());
  }

  /** A simulation without attackers. */
  SimulationSpec(int clients, String partition, double alpha, int parallelism, Optional<Path> dataDir) {
    this(clients, partition, alpha, parallelism, dataDir, Optional.empty());
  }

  SimulationSpec {
    if (clients < 1) {
      throw new UserError("--clients must be >= 1, got " + clients);
    }
    if (parallelism < 1) {
      throw new UserError("--parallelism must be >= 1, got " + parallelism);
    }
    if (async.isPresent() && clock.isEmpty()) {
      throw new IllegalArgumentException("an asynchronous simulation runs on a virtual clock");
    }
  }
}
