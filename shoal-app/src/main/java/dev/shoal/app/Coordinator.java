package dev.shoal.app;

import dev.shoal.app.ops.LiveRun;
import dev.shoal.app.ops.Operations;
import dev.shoal.data.FederatedData;
import dev.shoal.djl.ModelZoo;
import dev.shoal.federation.NodeStatus;
import dev.shoal.federation.Resources;
import dev.shoal.federation.RunStatus;
import dev.shoal.federation.Waits;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RunConfig;
import dev.shoal.round.RunListener;
import dev.shoal.store.CompletedRound;
import dev.shoal.store.Node;
import dev.shoal.store.Result;
import dev.shoal.store.Run;
import dev.shoal.store.StateDirectory;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.train.Trainer;
import dev.shoal.transport.CoordinatorServer;
import dev.shoal.transport.DiskSpace;
import dev.shoal.transport.FederationService;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 * A long-lived coordinator, made of small parts: the run in its state directory ({@link
 * StoredRun}: SQLite run store and blob store), the run's ledger, the HTTP side (dashboard,
 * metrics), the gRPC service in front of the engine's remote-client port, and the round engine
 * with its reporters. {@link #start} opens them and begins serving; {@link #run} runs the rounds
 * to the end; {@link #close} stops what is still running. Started again on the same state
 * directory, it resumes after the last completed round. The simulation's loopback federation
 * builds the same object.
 */
final class Coordinator implements AutoCloseable {

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

  /** Where a coordinator keeps its state and writes its outputs, and the data it evaluates on. */
  record Place(String runName, Path stateDir, Path outDir, FederatedData evaluation) {}

  private final Specs specs;
  private final Place place;
  private final Federation federation;
  private final PrintStream console;
  private final StateDirectory state;
  private final RunLedger ledger;
  private final RunOutputs outputs;
  private final StoredRun stored;
  private final Trainer trainer;
  private final AtomicInteger current;
  private final StoreJournal journal;
  private final Operations ops;
  private final RemoteClients clients;
  private final CoordinatorServer server;
  private final Thread sweeper;
  private final boolean plaintext;

  private Coordinator(Specs specs, Place place, Network net, PrintStream console) throws IOException {
    this.specs = specs;
    this.place = place;
    this.console = console;
    this.plaintext = !net.security().isTls();
    this.federation = Federation.of(specs.training(), specs.federation());
    if (!specs.federation().privacy().encoding().linear()) {
      throw new UserError("--encoding " + specs.federation().privacy().encoding().name()
          + " is done by clients in process only so far (simulate with --transport inproc); over gRPC updates travel as float32");
    }
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      state = StateDirectory.open(place.stateDir());
      opened.add(state);
      trainer = specs.training().trainer(place.evaluation().schema());
      outputs = new RunOutputs(place.outDir().equals(place.stateDir())
          ? RunOutputs.inStateDirectory(place.stateDir(), state.runs(), place.runName()).dir() : place.outDir())
          .completing(trainer::complete);
      ledger = specs.federation().provenance().ledger() ? RunLedger.open(outputs.dir(), place.runName()) : null;
      opened.add(ledger);
      stored = StoredRun.open(state, place.runName(), specs, trainer);
      RunReconciler.reconcile(state, stored.run().id(), place.runName(), ledger, outputs);
      current = new AtomicInteger(stored.first());
      // no node is connected to this process yet; each is online again when it registers
      state.runs().markOffline(Duration.ZERO);
      journal = new StoreJournal(state.runs(), stored.run().id(), StoreJournal.LAST_SEEN_EVERY);
      opened.add(journal);
      AtomicReference<RemoteClients> serving = new AtomicReference<>();
      ops = operations(net, new LiveRun(place.runName(), specs.federation().rounds(), () -> status(serving.get()),
          Optional.ofNullable(ledger).map(RunLedger::dir), Optional.of(place.stateDir())));
      opened.add(ops);
      clients = new RemoteClients(Clock.systemUTC(), net.livenessTimeout(), ops.nodes(journal));
      serving.set(clients);
      var service = new FederationService(clients, state.blobs(), () -> status(clients), net.heartbeat(), POLL)
          .admitOnly(net.allowNodes())
          .witnessedBy(ledger == null ? null : new CheckpointServing(ledger))
          .onResult((node, round, update, examples, metrics) ->
              journal.received(Result.of(stored.run().id(), round, node, update, examples, metrics)))
          // an update holds the global model's tensors: twice the model's size is room enough
          .limitUploads(2 * Safetensors.encodedSize(stored.start()) + (1 << 20));
      server = serve(net, service);
      opened.add(server);
      if (!net.security().isTls()) {
        log.warn("plaintext gRPC: connections are neither encrypted nor authenticated (--insecure)");
        InsecureBanner.print(console);
      }
      log.info("serving security=\"{}\" allowed_nodes={}", net.security().describe(),
          net.allowNodes().isEmpty() ? "any" : net.allowNodes());
      sweeper = Thread.ofVirtual().name("liveness").start(() -> Waits.every(net.heartbeat(), clients::sweep));
    } catch (IOException | RuntimeException e) {
      closeAll(opened.reversed(), e);
      throw e;
    }
  }

  /** Opens the coordinator's parts and begins serving; rounds start with {@link #run}. */
  static Coordinator start(Specs specs, Place place, Network net, PrintStream console) throws IOException {
    Coordinator c = new Coordinator(specs, place, net, console);
    if (c.stored.first() > 1) {
      console.printf("resuming run '%s' after round %d of %d%n", place.runName(), c.stored.first() - 1,
          specs.federation().rounds());
    }
    console.printf("coordinator listening on %s:%d (state in %s)%n", net.host(), c.port(), place.stateDir());
    c.ops.url().ifPresent(url -> console.printf("metrics and dashboard at %s/%n", url));
    return c;
  }

  /** The port the gRPC service listens on. */
  int port() {
    return server.port();
  }

  /**
   * Runs the remaining rounds, then writes {@code model.safetensors} into the output directory.
   * With {@code local} nodes, starts them first and waits for them to register.
   */
  ParameterSet run(Optional<LocalNodes> local) throws IOException {
    if (local.isPresent()) {
      local.get().start().accept(port());
      awaitRegistration(clients, local.get(), console);
    }
    FederationSpec fed = specs.federation();
    long seed = specs.training().seed();
    Path out = outputs.dir();
    // a full disk holds rounds back instead of spending them on updates the coordinator has no room for
    RoundRoom room = RoundRoom.of(state.blobs().root(), fed.privacy().secureAggregation().isPresent()
        ? DiskSpace.forUploads(Safetensors.encodedSize(stored.start()), 0)
        : DiskSpace.forUploads(Safetensors.encodedSize(stored.start()), fed.minClients()));
    var commit = new RoundCommitter(state, stored.run().id(), place.runName(), ledger, outputs, journal::flush,
        round -> {
          room.await(round);
          current.set(round);
        }, federation.strategy()::serverState);
    stored.serverState().ifPresent(federation.strategy()::restoreServerState);
    RunListener listener = RunListener.all(Ledgers.with(ledger, false, place.runName(), specs, out,
        new ConsoleProgress(console), ops.events()));
    RoundEngine engine = federation.apply(new RoundEngine(federation.strategy(), clients,
        new RunConfig(fed.rounds(), fed.minClients(), fed.roundTimeout(), seed),
        Optional.of(g -> trainer.evaluate(g, place.evaluation().test())), listener, commit), fed, seed,
        place.evaluation().schema().task());
    // the whole model: with --train-params the exchanged tensors and the frozen rest
    ParameterSet result = trainer.complete(engine.run(stored.start(), stored.first()));
    Safetensors.write(result, outputs.model());
    console.printf("wrote %s and %s%n", outputs.model(), outputs.metrics());
    Ledgers.report(fed, out, console);
    clients.finish();
    linger(local);
    return result;
  }

  @Override
  public void close() throws IOException {
    sweeper.interrupt();
    closeAll(Arrays.asList(server, journal, ops, ledger, state), null);
  }

  /**
   * Closes {@code parts} in order, skipping nulls; the first failure is thrown after all were
   * tried, or added to {@code failure} when there is one.
   */
  private static void closeAll(List<? extends AutoCloseable> parts, Throwable failure) throws IOException {
    Throwable first = failure;
    for (AutoCloseable part : parts) {
      if (part == null) {
        continue;
      }
      try {
        part.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (failure == null && first != null) {
      switch (first) {
        case IOException io -> throw io;
        case RuntimeException r -> throw r;
        default -> throw new IOException(first);
      }
    }
  }

  private RunStatus status(RemoteClients serving) {
    return status(stored.run(), specs.federation().rounds(), current.get(), state, serving).withPlaintext(plaintext);
  }

  /** The coordinator's gRPC side; an address that cannot be served is the user's to change. */
  private static CoordinatorServer serve(Network net, FederationService service) throws IOException {
    try {
      return net.security().serve(net.host(), net.port(), service);
    } catch (IOException e) {
      throw new UserError("--listen %s:%d cannot be served (%s): is another coordinator running there? Choose another"
          .formatted(net.host(), net.port(), e.getMessage()) + " address with --listen HOST:PORT");
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

  static RunStatus status(Run run, int total, int current, StateDirectory state, RemoteClients clients) {
    int completed = state.runs().lastCompletedRound(run.id()).map(CompletedRound::round).orElse(0);
    String runState = completed >= total ? "completed" : clients.available().isEmpty() ? "waiting" : "running";
    // Nodes as the store knows them, so the counts include rounds from before a restart. The
    // stored last-seen time may lag by up to StoreJournal.LAST_SEEN_EVERY; a fresher one in memory wins.
    Map<String, Integer> contributed = state.runs().roundsContributed(run.id());
    Map<String, Instant> live = new HashMap<>();
    clients.nodes().forEach(n -> live.put(n.name(), n.lastSeen()));
    Map<String, Resources> resources = clients.resources();
    List<NodeStatus> nodes = new ArrayList<>();
    for (Node n : state.runs().nodes()) {
      Instant lastSeen = live.getOrDefault(n.name(), Instant.MIN).isAfter(n.lastSeen()) ? live.get(n.name()) : n.lastSeen();
      // resources: what the node said it runs with when it registered with this process
      nodes.add(new NodeStatus(n.name(), n.status() == dev.shoal.store.NodeStatus.ONLINE, lastSeen,
          contributed.getOrDefault(n.name(), 0), Optional.ofNullable(resources.get(n.name()))));
    }
    return new RunStatus(run.name(), Math.min(current, total), total, completed, runState, nodes);
  }

  /** Keeps serving a moment after the last round, so polling nodes learn that the run is over. */
  private static void linger(Optional<LocalNodes> local) {
    Waits.whileTrue(() -> local.map(l -> l.alive().getAsInt() > 0).orElse(true), POLL.multipliedBy(4));
  }

  private static void awaitRegistration(RemoteClients clients, LocalNodes local, PrintStream console) {
    if (!Waits.whileTrue(() -> clients.available().size() < local.alive().getAsInt(), local.registration())) {
      throw new IllegalStateException("interrupted while waiting for nodes to register");
    }
    if (clients.available().size() < local.alive().getAsInt()) {
      console.printf("only %d node(s) registered in %ds; going on with them%n",
          clients.available().size(), local.registration().toSeconds());
    }
  }
}
