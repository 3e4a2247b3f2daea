package dev.shoal.app;

import dev.shoal.data.Dataset;
import dev.shoal.async.AsyncEngine;
import dev.shoal.async.FedBuff;
import dev.shoal.data.FederatedData;
import dev.shoal.data.SyntheticFederation;
import dev.shoal.data.MnistDirectory;
import dev.shoal.data.MnistSample;
import dev.shoal.data.Partitioner;
import dev.shoal.djl.ModelZoo;
import dev.shoal.report.MetricsJsonl;
import dev.shoal.round.ClientPort;
import dev.shoal.round.FitTimes;
import dev.shoal.round.InProcessClients;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RunConfig;
import dev.shoal.round.RunListener;
import dev.shoal.strategy.Metadata;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.train.CentralEvaluator;
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

  /** How long a round on a virtual clock waits, in wall time, for the clients in this process. */
  private static final java.time.Duration UNBOUNDED_WAIT = java.time.Duration.ofDays(365);

  private Simulation() {}

  static ParameterSet run(Specs specs, Path out, PrintStream console) throws IOException {
    return run(specs, Transport.INPROC, out, console);
  }

  static ParameterSet run(Specs specs, Transport transport, Path out, PrintStream console) throws IOException {
    TrainingSpec training = specs.training();
    FederationSpec fed = specs.federation();
    SimulationSpec sim = specs.simulationSpec();
    Federation federation = Federation.of(training, fed);
    if (sim.synthetic().isPresent()) {
      return synthetic(specs, sim.synthetic().get(), transport, federation, out, console);
    }
    Files.createDirectories(out);
    FederatedData data = SiteData.load(training.data(), sim.dataDir(), console);
    Partitioner partitioner = UsageError.checkOption(() -> Partitioner.parse(sim.partition(), sim.alpha()));
    List<FederatedData> parts = UserError.check(() -> partitioner.split(data, sim.clients(), training.seed()));
    console.printf(Locale.ROOT, "data: %,d training and %,d test examples, %s split over %d clients%n",
        data.train().size(), data.test().size(), describe(sim), sim.clients());
    console.printf(Locale.ROOT, "model: %s, local training: %d epoch(s), batch %d, lr %s; output in %s%n",
        training.model(), training.localEpochs(), training.batchSize(), training.lr(), out);
    if (!fed.privacy().equals(Privacy.NONE)) {
      console.printf("privacy: %s%n", fed.privacy().describe());
    }
    if (transport != Transport.INPROC) {
      console.printf("transport: %s%n", transport.describe());
      return LoopbackFederation.run(specs, transport, data, InProcessClients.named(parts), out, console);
    }

    Trainer trainer = training.trainer(data.schema());
    var named = InProcessClients.named(parts);
    Attacks attacks = Attacks.of(sim, training.seed(), List.copyOf(named.keySet()), console);
    ClientPort clients = attacks.clients(trainer, named, sim.parallelism());
    return train(specs, federation, trainer, clients, attacks, data.test(), List.copyOf(named.keySet()), out, console);
  }

  /**
   * A simulation of {@code --clients} Synthetic(α, β) clients, each made only when sampled
   * ({@link InProcessClients#virtual}); the coordinator evaluates on the test splits of a fixed
   * set of them ({@link SyntheticFederation#heldOut}).
   */
  private static ParameterSet synthetic(Specs specs, SyntheticFederation synthetic, Transport transport,
      Federation federation, Path out, PrintStream console) throws IOException {
    TrainingSpec training = specs.training();
    SimulationSpec sim = specs.simulationSpec();
    if (transport != Transport.INPROC) {
      throw new UserError("--data synthetic:ALPHA,BETA: synthetic clients run in this process; "
          + "--transport grpc needs clients with partitioned data");
    }
    Trainer trainer = training.trainer(SyntheticFederation.SCHEMA);
    Files.createDirectories(out);
    Dataset heldOut = synthetic.heldOut(sim.clients());
    console.printf(Locale.ROOT, "data: %s, %,d clients, each made when sampled; held-out test set: %,d examples of %d clients%n",
        synthetic, sim.clients(), heldOut.size(), SyntheticFederation.heldOutClients(sim.clients()).length);
    console.printf(Locale.ROOT, "model: %s, local training: %d epoch(s), batch %d, lr %s; output in %s%n",
        training.model(), training.localEpochs(), training.batchSize(), training.lr(), out);
    if (!specs.federation().privacy().equals(Privacy.NONE)) {
      console.printf("privacy: %s%n", specs.federation().privacy().describe());
    }
    ClientPort clients = InProcessClients.virtual(trainer, synthetic, sim.clients(), sim.parallelism());
    return train(specs, federation, trainer, clients, Attacks.of(sim, training.seed(), List.of(), console), heldOut,
        clients.available(), out, console);
  }

  private static ParameterSet train(Specs specs, Federation federation, Trainer trainer, ClientPort clients,
      Attacks attacks, Dataset test, List<String> ids, Path out, PrintStream console) throws IOException {
    TrainingSpec training = specs.training();
    FederationSpec fed = specs.federation();
    SimulationSpec sim = specs.simulationSpec();
    ParameterSet initial = trainer.initialParameters(training.seed()).withMetadata(training.initialMetadata());
    // on a virtual clock --round-timeout is virtual; the clients in this process are waited for as long as they train
    var config = new RunConfig(fed.rounds(), fed.minClients(),
        sim.clock().isPresent() ? UNBOUNDED_WAIT : fed.roundTimeout(), training.seed());
    Optional<FitTimes> times = sim.clock().map(c -> c.fitTimes(ids, training.seed()));
    sim.clock().ifPresent(c -> console.printf("virtual clock: %s%n", c.describe()));
    Optional<CentralEvaluator> central = Optional.of(global -> trainer.evaluate(global, test));
    ParameterSet result;
    try (RunLedger ledger = fed.provenance().ledger() ? RunLedger.open(out, RUN) : null) {
      RunListener listener = attacks.listener(RunListener.all(Ledgers.with(ledger, RUN, specs, out,
          new ConsoleProgress(console), new MetricsJsonl(out.resolve("metrics.jsonl")))));
      if (sim.async().isPresent()) {
        FedBuff f = sim.async().get();
        console.printf(Locale.ROOT, "async: FedBuff, %d clients training at all times, a model step every %d updates, "
            + "staleness weight (1+s)^-%s, server lr %s; --rounds counts model steps%n", f.concurrency(), f.buffer(),
            f.stalenessExponent(), f.serverLr());
        if (fed.provenance().contributions().isPresent()) {
          console.println("contribution scores: not computed for asynchronous steps");
        }
        result = new AsyncEngine(f, clients, times.orElseThrow(), training.fit(), fed.rounds(), training.seed(), central,
            listener).run(initial);
      } else {
        RoundEngine engine = federation.apply(new RoundEngine(federation.strategy(), clients, config, central, listener),
            fed, training.seed(), test.schema().task());
        times.ifPresent(t -> engine.withFitTimes(t, fed.roundTimeout()));
        result = engine.run(initial);
      }
    }
    Path model = out.resolve("model.safetensors");
    result = trainer.complete(result);
    Safetensors.write(result, model);
    console.printf("wrote %s and %s%n", model, out.resolve("metrics.jsonl"));
    Ledgers.report(fed, out, console);
    return result;
  }

  private static String describe(SimulationSpec sim) {
    return switch (sim.partition()) {
      case "dirichlet" -> "Dirichlet(alpha=" + sim.alpha() + ")";
      default -> sim.partition();
    };
  }
}
