package dev.shoal.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/**
 * What every federated run needs to know about the model, its training and its rounds: shared by
 * {@code simulate} and {@code coordinator}, resolved into a {@link TrainingSpec} and a {@link
 * FederationSpec}.
 */
final class TrainingOptions {

  @Option(names = "--model", defaultValue = "mlp", paramLabel = "NAME|FILE.pt", description = "logreg, mlp or cnn, a registered model, or a TorchScript file (torch.jit.save output), named in the run by its content id (default: ${DEFAULT-VALUE}).")
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

  @Option(names = "--strategy", defaultValue = "fedavg", paramLabel = "NAME", description = "How updates become the next global model; see docs/strategies.md (default: ${DEFAULT-VALUE}).")
  String strategy;

  @Option(names = "--strategy-param", paramLabel = "KEY=VALUE", split = ",", description = "A parameter of the strategy (repeatable); in a job file, the keys of its strategy: section.")
  Map<String, String> strategyParams = new LinkedHashMap<>();

  @Option(names = "--max-examples-per-node", paramLabel = "N", description = "Clip each reply's claimed example count to N before weighting it (default: no limit).")
  Long maxExamplesPerNode;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "MNIST-format IDX files to use instead of the bundled sample.")
  Path dataDir;

  Duration roundTimeout() {
    if (roundTimeoutSeconds < 1) {
      throw new UserError("round-timeout must be >= 1 second, got " + roundTimeoutSeconds);
    }
    return Duration.ofSeconds(roundTimeoutSeconds);
  }

  @picocli.CommandLine.Mixin DataOptions dataOptions;

  @picocli.CommandLine.Mixin OptimizationOptions optimization;

  TrainingSpec trainingSpec() {
    return optimization.apply(new TrainingSpec(dev.shoal.djl.ModelZoo.resolve(model), localEpochs, batchSize, lr, seed), dataOptions.resolve(seed));
  }

  /**
   * A simulation's training spec and its synthetic clients, when {@code --data} names them (then
   * the training spec has no data spec).
   */
  TrainingSpec simulatedTrainingSpec() {
    return dataOptions.synthetic()
        ? optimization.apply(new TrainingSpec(dev.shoal.djl.ModelZoo.resolve(model), localEpochs, batchSize, lr, seed), Optional.empty())
        : trainingSpec();
  }

  /** The synthetic clients {@code --data synthetic:ALPHA,BETA} names, if it does. */
  Optional<dev.shoal.data.SyntheticFederation> syntheticData() {
    return dataOptions.syntheticFederation(seed);
  }

  /**
   * The federation spec of these options.
   *
   * @param nodes the federation's size when known; min-clients defaults from it
   */
  FederationSpec federationSpec(OptionalInt nodes, Privacy privacy, Provenance provenance,
      Optional<AnchorSchedule> anchoring) {
    int min = minClients == null ? Math.min(2, nodes.orElse(2)) : minClients;
    return new FederationSpec(rounds, fraction, min, fractionEvaluate, roundTimeout(),
        new StrategyChoice(strategy, strategyParams), privacy, provenance, anchoring, nodes,
        maxExamplesPerNode == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(maxExamplesPerNode));
  }
}
