package dev.shoal.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Simulate a federation in this process: partition the data over N clients and run FedAvg.",
      "Every option can also come from --config job.yaml, whose keys are the option names",
      "without dashes (model: cnn, local-epochs: 1); options on the command line win."
    })
final class SimulateCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "YAML job file with option values.")
  Path config;

  @Option(names = "--model", defaultValue = "mlp", description = "logreg, mlp or cnn, or a registered model (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--clients", defaultValue = "10", description = "Number of clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--rounds", defaultValue = "10", description = "Number of rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--fraction", defaultValue = "1.0", description = "Share of clients sampled per round, in (0, 1] (default: ${DEFAULT-VALUE}).")
  double fraction;

  @Option(names = "--min-clients", description = "A round counts only with at least this many updates (default: 2, or 1 with one client).")
  Integer minClients;

  @Option(names = "--partition", defaultValue = "iid", description = "iid, dirichlet or shards (default: ${DEFAULT-VALUE}).")
  String partition;

  @Option(names = "--alpha", defaultValue = "0.5", description = "Dirichlet concentration; smaller is more skewed (default: ${DEFAULT-VALUE}).")
  double alpha;

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

  @Option(names = "--parallelism", defaultValue = "1", description = "Clients training at the same time; the engine already uses every core (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "MNIST-format IDX files to use instead of the bundled sample.")
  Path dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/simulate-TIMESTAMP).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (roundTimeoutSeconds < 1) {
      throw new UserError("round-timeout must be >= 1 second, got " + roundTimeoutSeconds);
    }
    Job job = new Job(model, clients, rounds, fraction, minClients == null ? Math.min(2, clients) : minClients, partition, alpha, localEpochs,
        batchSize, lr, seed, fractionEvaluate, Duration.ofSeconds(roundTimeoutSeconds), parallelism,
        Optional.ofNullable(dataDir));
    Simulation.run(job, RunDirectory.resolve(out, "simulate"), System.out);
    return 0;
  }
}
