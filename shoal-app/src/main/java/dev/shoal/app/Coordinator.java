package dev.shoal.app;

import dev.shoal.app.ops.LiveRun;
import dev.shoal.app.ops.Operations;
import dev.shoal.data.FederatedData;
import dev.shoal.djl.ModelZoo;
import dev.shoal.report.MetricsJsonl;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundCommit;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunConfig;
import dev.shoal.round.RunListener;
import dev.shoal.store.CompletedRound;
import dev.shoal.store.Node;
import dev.shoal.store.Result;
import dev.shoal.store.RoundStatus;
import dev.shoal.store.Run;
import dev.shoal.store.RunSpec;
import dev.shoal.store.StateDirectory;
import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.Metadata;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.train.FitConfig;
import dev.shoal.train.Trainer;
import dev.shoal.transport.CoordinatorServer;
import dev.shoal.transport.FederationService;
import dev.shoal.transport.ResourcesWire;
import dev.shoal.transport.proto.NodeStatus;
import dev.shoal.transport.proto.StatusReply;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires a long-lived coordinator: the state directory (SQLite run store and blob store), the
 * gRPC service in front of the engine's remote-client port, the round engine, and reporters.
 * Started again on the same state directory, it resumes after the last completed round.
 */
final class Coordinator {

  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
  private static final Duration POLL = Duration.ofMillis(500);

  /**
   * Network, security and liveness settings; port 0 picks a free port; an empty allow-list
   * admits any node.
   */
  record Network(String host, int port, Duration heartbeat, Duration livenessTimeout, Security security,
      Set<String> allowNodes, Optional<Operations.Address> http) {}

  /**
   * Nodes that a simulation starts itself on loopback once the coordinator listens: {@code start}
   * gets the bound port; the first round waits up to {@code registration} until every node still
   * {@code alive} has registered, so rounds sample from all of them, as in-process clients would.
   */
  record LocalNodes(IntConsumer start, IntSupplier alive, Duration registration) {}

  private Coordinator() {}

  /** A coordinator as {@code shoal coordinator} runs it: outputs go into the state directory. */
  static ParameterSet run(Job job, String runName, Path stateDir, FederatedData data, Network net, PrintStream console)
      throws IOException {
    return run(job, runName, stateDir, stateDir, data, net, Optional.empty(), console);
  }

  /** Runs the job; {@code metrics.jsonl} and {@code model.safetensors} are written into {@code outDir}. */
  static ParameterSet run(Job job, String runName, Path stateDir, Path outDir, FederatedData data, Network net,
      Optional<LocalNodes> local, PrintStream console) throws IOException {
    Federation federation = Federation.of(job);
    if (!job.privacy().encoding().equals(dev.shoal.encoding.UpdateEncoding.FLOAT32)) {
      throw new UserError("--encoding " + job.privacy().encoding().name() + " is done by clients in process only so far"
          + " (simulate with --transport inproc); over gRPC updates travel as float32");
    }
    try (StateDirectory state = StateDirectory.open(stateDir);
        RunLedger ledger = job.provenance().ledger() ? RunLedger.open(outDir, runName) : null) {
      Run run = state.runs().openRun(RunSpec.of(runName, describe(job), job.seed(), job.rounds()));
      Optional<CompletedRound> last = state.runs().lastCompletedRound(run.id());
      Trainer trainer = ModelZoo.standard().newTrainer(job.model());
      ParameterSet start = last.isPresent()
          ? state.blobs().readModel(last.get().modelId())
          : trainer.initialParameters(job.seed()).withMetadata(Map.of(Metadata.MODEL, job.model(), Metadata.ROUND, "0"));
      int first = last.map(r -> r.round() + 1).orElse(1);
      List<String> done = state.runs().rounds(run.id()).stream()
          .filter(r -> r.status() == RoundStatus.COMPLETED).map(r -> r.metricsJson().orElseThrow()).toList();
      if (first > 1) {
        console.printf("resuming run '%s' after round %d of %d%n", runName, first - 1, job.rounds());
      }

      // no node is connected to this process yet; each is online again when it registers
      state.runs().markOffline(Duration.ZERO);
      StoreJournal journal = new StoreJournal(state.runs(), run.id(), StoreJournal.LAST_SEEN_EVERY);
      AtomicInteger current = new AtomicInteger(first);
      AtomicReference<RemoteClients> serving = new AtomicReference<>();
      Operations ops = operations(net, new LiveRun(runName, job.rounds(),
          () -> status(run, job.rounds(), current.get(), state, serving.get()),
          Optional.ofNullable(ledger).map(RunLedger::dir)));
      RemoteClients clients = new RemoteClients(Clock.systemUTC(), net.livenessTimeout(), ops.nodes(journal));
      serving.set(clients);
      var service = new FederationService(clients, state.blobs(),
          () -> status(run, job.rounds(), current.get(), state, clients), net.heartbeat(), POLL)
          .admitOnly(net.allowNodes())
          .witnessedBy(ledger == null ? null : new CheckpointServing(ledger))
          .onResult((node, round, update, examples, metrics) ->
              journal.received(Result.of(run.id(), round, node, update, examples, metrics)))
          // an update holds the global model's tensors: twice the model's size is room enough
          .limitUploads(2 * Safetensors.encodedSize(start) + (1 << 20));
      try (ops; journal; CoordinatorServer server = net.security().serve(net.host(), net.port(), service)) {
        if (!net.security().isTls()) {
          log.warn("plaintext gRPC: connections are neither encrypted nor authenticated (--insecure)");
        }
        log.info("serving security=\"{}\" allowed_nodes={}", net.security().describe(),
            net.allowNodes().isEmpty() ? "any" : net.allowNodes());
        console.printf("coordinator listening on %s:%d (state in %s)%n", net.host(), server.port(), stateDir);
        ops.url().ifPresent(url -> console.printf("metrics and dashboard at %s/%n", url));
        if (local.isPresent()) {
          local.get().start().accept(server.port());
          awaitRegistration(clients, local.get(), console);
        }
        Thread sweeper = Thread.ofVirtual().name("liveness").start(() -> sweep(clients, net.heartbeat()));
        RoundCommit commit = new RoundCommit() {
          @Override
          public void begin(int round) {
            current.set(round);
            state.runs().startRound(run.id(), round);
          }

          @Override
          public void complete(RoundMetrics metrics, ParameterSet model) {
            try {
              ContentId id = state.blobs().putModel(model);
              journal.flush(); // the round's instructions and outcomes are in the store before it completes
              state.runs().completeRound(run.id(), metrics, id);
            } catch (IOException e) {
              throw new UncheckedIOException("cannot record round " + metrics.round(), e);
            }
          }
        };
        RunListener listener = RunListener.all(Ledgers.with(ledger, runName, job, outDir,
            new ConsoleProgress(console), ops.events(), new MetricsJsonl(outDir.resolve("metrics.jsonl"), done)));
        ParameterSet result = federation.apply(new RoundEngine(federation.strategy(), clients,
            new RunConfig(job.rounds(), job.minClients(), job.roundTimeout(), job.seed()),
            Optional.of(g -> trainer.evaluate(g, data.test())), listener, commit), job).run(start, first);
        Safetensors.write(result, outDir.resolve("model.safetensors"));
        console.printf("wrote %s and %s%n", outDir.resolve("model.safetensors"), outDir.resolve("metrics.jsonl"));
        Ledgers.report(job, outDir, console);
        clients.finish();
        linger(local);
        sweeper.interrupt();
        return result;
      }
    }
  }

  /** The coordinator's HTTP side; a port that cannot be served is the user's to change. */
  private static Operations operations(Network net, LiveRun run) {
    try {
      return Operations.start(net.http(), run);
    } catch (UncheckedIOException e) {
      throw new UserError("--http: " + e.getMessage());
    }
  }

  /** The job's settings as canonical text; a restarted coordinator must be given the same. */
  static String describe(Job job) {
    return "model=%s\nrounds=%d\nfraction=%s\nmin-clients=%d\nlocal-epochs=%d\nbatch-size=%d\nlr=%s\nseed=%d\nfraction-evaluate=%s\n"
        .formatted(job.model(), job.rounds(), job.fraction(), job.minClients(), job.localEpochs(), job.batchSize(),
            job.lr(), job.seed(), job.fractionEvaluate())
        + (job.privacy().equals(Privacy.NONE) ? "" : "privacy=" + job.privacy() + "\n")
        + (job.provenance().equals(Provenance.DEFAULT) ? "" : "provenance=" + job.provenance() + "\n");
  }

  static StatusReply status(Run run, int total, int current, StateDirectory state, RemoteClients clients) {
    int completed = state.runs().lastCompletedRound(run.id()).map(CompletedRound::round).orElse(0);
    StatusReply.Builder b = StatusReply.newBuilder().setRun(run.name()).setTotalRounds(total)
        .setCompletedRounds(completed).setCurrentRound(Math.min(current, total))
        .setState(completed >= total ? "completed" : clients.available().isEmpty() ? "waiting" : "running");
    // Nodes as the store knows them, so the counts include rounds from before a restart. The
    // stored last-seen time may lag by up to StoreJournal.LAST_SEEN_EVERY; a fresher one in memory wins.
    Map<String, Integer> contributed = state.runs().roundsContributed(run.id());
    Map<String, Instant> live = new HashMap<>();
    clients.nodes().forEach(n -> live.put(n.name(), n.lastSeen()));
    Map<String, dev.shoal.node.Resources> resources = clients.resources();
    for (Node n : state.runs().nodes()) {
      Instant lastSeen = live.getOrDefault(n.name(), Instant.MIN).isAfter(n.lastSeen()) ? live.get(n.name()) : n.lastSeen();
      NodeStatus.Builder node = NodeStatus.newBuilder().setName(n.name())
          .setOnline(n.status() == dev.shoal.store.NodeStatus.ONLINE)
          .setLastSeenEpochMillis(lastSeen.toEpochMilli()).setRoundsContributed(contributed.getOrDefault(n.name(), 0));
      // what the node said it runs with when it registered with this process
      Optional.ofNullable(resources.get(n.name())).map(ResourcesWire::toProto).ifPresent(node::setResources);
      b.addNodes(node);
    }
    return b.build();
  }

  /** Keeps serving a moment after the last round, so polling nodes learn that the run is over. */
  private static void linger(Optional<LocalNodes> local) {
    long deadline = System.nanoTime() + POLL.multipliedBy(4).toNanos();
    while (System.nanoTime() < deadline && local.map(l -> l.alive().getAsInt() > 0).orElse(true)) {
      if (!sleepQuietly(Duration.ofMillis(50))) {
        return;
      }
    }
  }

  private static void awaitRegistration(RemoteClients clients, LocalNodes local, PrintStream console) {
    long deadline = System.nanoTime() + local.registration().toNanos();
    while (clients.available().size() < local.alive().getAsInt() && System.nanoTime() < deadline) {
      if (!sleepQuietly(Duration.ofMillis(50))) {
        throw new IllegalStateException("interrupted while waiting for nodes to register");
      }
    }
    if (clients.available().size() < local.alive().getAsInt()) {
      console.printf("only %d node(s) registered in %ds; going on with them%n",
          clients.available().size(), local.registration().toSeconds());
    }
  }

  private static void sweep(RemoteClients clients, Duration every) {
    while (!Thread.currentThread().isInterrupted()) {
      clients.sweep();
      if (!sleepQuietly(every)) {
        return;
      }
    }
  }

  private static boolean sleepQuietly(Duration d) {
    try {
      Thread.sleep(d);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
