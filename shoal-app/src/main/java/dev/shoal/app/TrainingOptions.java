package dev.shoal.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What every federated run needs to know about the model and its training: shared by commands. */
final class TrainingOptions {

  @Option(names = "--model", defaultValue = "mlp", description = "logreg, mlp or cnn, or a registered model (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--rounds", defaultValue = "10", description = "Number of rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--fraction", defaultValue = "1.0", description = "Share of clients sampled per round, in (0, 1] (default: ${DEFAULT-VALUE}).")
  double fraction;

  @Option(names = "--min-clients", description = "Sample at least this many; a round counts only with at least this many updates (default: 2, or 1 with one client).")
  Integer minClients;

  @Option(names = "--local-epochs", defaultValue = "1", description = "Local epochs per round (default: ${DEFAULT-VALUE}).")
  int localEpochs;

  @Option(names = "--batch-size", defaultValue = "10", description = "Local mini-batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.1", description = "Local SGD learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--seed", defaultValue = "42", description = "Seed for partitioning, sampling, initialisation and shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--fraction-evaluate", defaultValue = "0.0", description = "Share of clients that also evaluate on their local test data (default: ${DEFAULT-VALUE}).")
  double fractionEvaluate;

  @Option(names = "--round-timeout", defaultValue = "600", paramLabel = "SECONDS", description = "A round goes on without clients that have not answered by then (default: ${DEFAULT-VALUE}).")
  long roundTimeoutSeconds;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "MNIST-format IDX files to use instead of the bundled sample.")
  Path dataDir;

  int minClients(int clients) {
    return minClients == null ? Math.min(2, clients) : minClients;
  }

  java.time.Duration roundTimeout() {
    if (roundTimeoutSeconds < 1) {
      throw new UserError("round-timeout must be >= 1 second, got " + roundTimeoutSeconds);
    }
    return java.time.Duration.ofSeconds(roundTimeoutSeconds);
  }
}
