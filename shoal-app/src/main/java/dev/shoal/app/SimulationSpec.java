package dev.shoal.app;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A federation simulated on one machine: how many clients, how the data is split over them, and
 * how many train at once. Only {@code simulate} and {@code demo} have one; a coordinator's nodes
 * bring their own data.
 *
 * @param dataDir MNIST-format IDX files to split instead of the bundled sample
 */
record SimulationSpec(int clients, String partition, double alpha, int parallelism, Optional<Path> dataDir) {

  SimulationSpec {
    if (clients < 1) {
      throw new UserError("--clients must be >= 1, got " + clients);
    }
    if (parallelism < 1) {
      throw new UserError("--parallelism must be >= 1, got " + parallelism);
    }
  }
}
