package dev.shoal.app;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Simulate a federation on this machine: partition the data over N clients and run FedAvg,",
      "with the clients in this process or, with --transport grpc, as gRPC nodes on loopback;",
      "--client-speed counts federation time on a virtual clock, --mode async runs FedBuff on it.",
      "Every option can also come from --config job.yaml, whose keys are the option names",
      "without dashes (model: cnn, local-epochs: 1); options on the command line win."
    })
final class SimulateCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "YAML job file with option values.")
  Path config;

  @Option(names = "--clients", defaultValue = "10", description = "Number of clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--partition", defaultValue = "iid", description = "iid, dirichlet or shards (default: ${DEFAULT-VALUE}).")
  String partition;

  @Option(names = "--alpha", defaultValue = "0.5", description = "Dirichlet concentration; smaller is more skewed (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Mixin TrainingOptions training;

  @Option(names = "--parallelism", defaultValue = "1", description = "Clients training at the same time; the engine already uses every core (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Mixin PrivacyOptions privacy;

  @Mixin LedgerOptions ledger;

  @Mixin AnchorOptions anchor;

  @Mixin TransportOptions transport;

  @Mixin AttackOptions attack;

  @Mixin AsyncOptions async;

  @Mixin ClockOptions clock;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/simulate-TIMESTAMP).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Transport how = transport.resolve("inproc");
    FederationSpec federation =
        training.federationSpec(OptionalInt.of(clients), privacy.resolve(), ledger.resolve(), anchor.resolve());
    var fedbuff = async.resolve(how, federation, clients);
    if (fedbuff.isPresent() && parallelism > 1) {
      throw new UserError("--mode async trains one client at a time, in the order of the virtual clock: drop --parallelism");
    }
    Specs specs = new Specs(training.trainingSpec(), federation, Optional.of(new SimulationSpec(clients, partition, alpha,
        parallelism, Optional.ofNullable(training.dataDir), attack.resolve(how, federation.privacy()),
        clock.resolve(how, fedbuff.isPresent()), fedbuff)));
    dev.shoal.djl.ModelZoo.standard().get(training.model); // a wrong --model is refused before anything is written
    Path dir = RunDirectory.resolve(out, "simulate");
    try (var notice = InterruptNotice.forSimulation(dir, specs.federation().rounds(), System.out)) {
      Simulation.run(specs, how, dir, System.out);
    } catch (Exception e) {
      RunDirectory.releaseIfEmpty(dir);
      throw e;
    }
    return 0;
  }
}
