package dev.shoal.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Everything a simulated federated run needs to know; {@code simulate}'s flags, resolved. */
record Job(
    String model,
    int clients,
    int rounds,
    double fraction,
    int minClients,
    String partition,
    double alpha,
    int localEpochs,
    int batchSize,
    double lr,
    long seed,
    double fractionEvaluate,
    Duration roundTimeout,
    int parallelism,
    Optional<Path> dataDir,
    Privacy privacy,
    Provenance provenance,
    Optional<AnchorSchedule> anchoring,
    Learning learning) {

  /** A job with the default learning settings: the MNIST sample (or {@code dataDir}), plain SGD. */
  Job(String model, int clients, int rounds, double fraction, int minClients, String partition, double alpha,
      int localEpochs, int batchSize, double lr, long seed, double fractionEvaluate, Duration roundTimeout,
      int parallelism, Optional<Path> dataDir, Privacy privacy, Provenance provenance,
      Optional<AnchorSchedule> anchoring) {
    this(model, clients, rounds, fraction, minClients, partition, alpha, localEpochs, batchSize, lr, seed,
        fractionEvaluate, roundTimeout, parallelism, dataDir, privacy, provenance, anchoring, Learning.DEFAULT);
  }

  /** The same job learning as {@code other} says. */
  Job withLearning(Learning other) {
    return new Job(model, clients, rounds, fraction, minClients, partition, alpha, localEpochs, batchSize, lr, seed,
        fractionEvaluate, roundTimeout, parallelism, dataDir, privacy, provenance, anchoring, other);
  }

  /** The main job: the FedAvg paper's 2NN on IID MNIST across 10 clients. */
  static Job demo() {
    return new Job("mlp", 10, 15, 1.0, 2, "iid", 0.5, 2, 10, 0.1, 42, 0.0,
        Duration.ofMinutes(10), 1, Optional.empty(), Privacy.NONE, Provenance.DEMO, Optional.empty());
  }

  Job {
    if (clients < 1) {
      throw new UserError("clients must be >= 1, got " + clients);
    }
    if (minClients < 1 || minClients > clients) {
      throw new UserError("min-clients must be between 1 and clients (%d), got %d".formatted(clients, minClients));
    }
    if (parallelism < 1) {
      throw new UserError("parallelism must be >= 1, got " + parallelism);
    }
    if (anchoring.isPresent() && !provenance.ledger()) {
      throw new UserError("--anchor-rpc anchors the run's ledger, but --no-ledger turns the ledger off; drop one of them");
    }
  }
}
