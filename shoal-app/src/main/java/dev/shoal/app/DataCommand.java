package dev.shoal.app;

import dev.shoal.data.FederatedData;
import dev.shoal.data.MnistDirectory;
import dev.shoal.data.MnistSample;
import dev.shoal.data.Partitioner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Prepare data for federated runs.",
    subcommands = DataCommand.Partition.class)
final class DataCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(
      name = "partition",
      mixinStandardHelpOptions = true,
      description = {
        "Split MNIST (the bundled sample, or --data-dir) into one IDX directory per client,",
        "OUT/client-000 … with the standard MNIST file names, for train-local or real nodes."
      })
  static final class Partition implements Callable<Integer> {

    @Option(names = "--clients", required = true, description = "Number of clients.")
    int clients;

    @Option(names = "--partition", defaultValue = "iid", description = "iid, dirichlet or shards (default: ${DEFAULT-VALUE}).")
    String partition;

    @Option(names = "--alpha", defaultValue = "0.5", description = "Dirichlet concentration (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--seed", defaultValue = "42", description = "Partitioning seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "MNIST-format IDX files to split instead of the bundled sample.")
    Path dataDir;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the client directories.")
    Path out;

    @Override
    public Integer call() throws Exception {
      FederatedData data = dataDir == null ? MnistSample.load() : MnistDirectory.load(dataDir);
      List<FederatedData> parts = UserError.check(() -> Partitioner.parse(partition, alpha).split(data, clients, seed));
      for (int i = 0; i < parts.size(); i++) {
        Path dir = out.resolve("client-%03d".formatted(i));
        MnistDirectory.save(parts.get(i), dir);
        System.out.printf("%s: %d train, %d test examples%n", dir, parts.get(i).train().size(), parts.get(i).test().size());
      }
      return 0;
    }
  }
}
