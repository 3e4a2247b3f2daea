package dev.shoal.app;

import dev.shoal.data.FederatedData;
import dev.shoal.data.MnistDirectory;
import dev.shoal.data.MnistSample;
import dev.shoal.data.Partitioner;
import dev.shoal.djl.ModelZoo;
import dev.shoal.report.MetricsJsonl;
import dev.shoal.round.InProcessClients;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RunConfig;
import dev.shoal.round.RunListener;
import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.Metadata;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.train.FitConfig;
import dev.shoal.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Wires a simulated federation: data, clients, strategy, engine, reporters. With {@link
 * Transport#INPROC} the clients live in this process; otherwise they are gRPC nodes on loopback
 * ({@link LoopbackFederation}). Client names, seeds and outputs are the same either way.
 */
final class Simulation {

  /** The run's name in its ledger. */
  static final String RUN = "simulation";

  private Simulation() {}

  static ParameterSet run(Job job, Path out, PrintStream console) throws IOException {
    return run(job, Transport.INPROC, out, console);
  }

  static ParameterSet run(Job job, Transport transport, Path out, PrintStream console) throws IOException {
    Federation federation = Federation.of(job);
    Files.createDirectories(out);
    FederatedData data = SiteData.load(job.learning(), job.dataDir(), console);
    Partitioner partitioner = Partitioner.parse(job.partition(), job.alpha());
    List<FederatedData> parts = partitioner.split(data, job.clients(), job.seed());
    console.printf(Locale.ROOT, "data: %,d training and %,d test examples, %s split over %d clients%n",
        data.train().size(), data.test().size(), describe(job), job.clients());
    console.printf(Locale.ROOT, "model: %s, local training: %d epoch(s), batch %d, lr %s%s; output in %s%n",
        job.model(), job.localEpochs(), job.batchSize(), job.lr(),
        job.learning().equals(Learning.DEFAULT) || job.learning().summary().equals("sgd") ? "" : ", " + job.learning().summary(), out);
    if (!job.privacy().equals(Privacy.NONE)) {
      console.printf("privacy: %s%n", job.privacy().describe());
    }
    if (transport != Transport.INPROC) {
      console.printf("transport: %s%n", transport.describe());
      return LoopbackFederation.run(job, transport, data, InProcessClients.named(parts), out, console);
    }

    Trainer trainer = ModelZoo.standard().newTrainer(job.model(), data.schema());
    ParameterSet initial = trainer.initialParameters(job.seed())
        .withMetadata(java.util.Map.of(Metadata.MODEL, job.model(), Metadata.ROUND, "0"));
    var strategy = federation.strategy();
    var clients = new InProcessClients(trainer, InProcessClients.named(parts), job.parallelism());
    var config = new RunConfig(job.rounds(), job.minClients(), job.roundTimeout(), job.seed());
    ParameterSet result;
    try (RunLedger ledger = job.provenance().ledger() ? RunLedger.open(out, RUN) : null) {
      RunListener listener = RunListener.all(Ledgers.with(ledger, RUN, job, out,
          new ConsoleProgress(console), new MetricsJsonl(out.resolve("metrics.jsonl"))));
      result = federation.apply(new RoundEngine(strategy, clients, config,
          Optional.of(global -> trainer.evaluate(global, data.test())), listener), job).run(initial);
    }
    Path model = out.resolve("model.safetensors");
    Safetensors.write(result, model);
    console.printf("wrote %s and %s%n", model, out.resolve("metrics.jsonl"));
    Ledgers.report(job, out, console);
    return result;
  }

  private static String describe(Job job) {
    return switch (job.partition()) {
      case "dirichlet" -> "Dirichlet(alpha=" + job.alpha() + ")";
      default -> job.partition();
    };
  }
}
