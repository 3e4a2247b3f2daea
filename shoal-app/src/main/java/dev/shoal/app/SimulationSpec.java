package dev.shoal.app;

import dev.shoal.data.SyntheticFederation;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A federation simulated on one machine: how many clients, how the data is split over them, and
 * how many train at once. Only {@code simulate} and {@code demo} have one; a coordinator's nodes
 * bring their own data.
 *
 * @param dataDir MNIST-format IDX files to split instead of the bundled sample
 * @param attack the clients that attack and how, if any ({@code --attack})
 * @param synthetic the Synthetic(α, β) clients to simulate instead of splitting data
 *     ({@code --data synthetic:ALPHA,BETA}), if any
 */
record SimulationSpec(int clients, String partition, double alpha, int parallelism, Optional<Path> dataDir,
    Optional<AttackSpec> attack, Optional<SyntheticFederation> synthetic) {

  /** A simulation that splits data over its clients. */
  SimulationSpec(int clients, String partition, double alpha, int parallelism, Optional<Path> dataDir,
      Optional<AttackSpec> attack) {
    this(clients, partition, alpha, parallelism, dataDir, attack, Optional.empty());
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
    if (synthetic.isPresent() && attack.isPresent()) {
      throw new UserError("--attack needs clients with partitioned data; it cannot go with --data synthetic:ALPHA,BETA");
    }
    if (synthetic.isPresent() && dataDir.isPresent()) {
      throw new UserError("--data-dir and --data synthetic:ALPHA,BETA both name the clients' data; give one");
    }
  }
}
