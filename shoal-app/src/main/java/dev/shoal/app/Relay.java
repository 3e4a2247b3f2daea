package dev.shoal.app;

import dev.shoal.federation.NodeStatus;
import dev.shoal.federation.RunStatus;
import dev.shoal.federation.Waits;
import dev.shoal.node.NodeAgent;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.SubtreeRound;
import dev.shoal.store.BlobStore;
import dev.shoal.strategy.Relaying;
import dev.shoal.tensor.Safetensors;
import dev.shoal.transport.CoordinatorServer;
import dev.shoal.transport.FederationService;
import dev.shoal.transport.GrpcCoordinatorLink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay: a node to its parent and a coordinator to its own nodes. Downward, the coordinator's
 * gRPC service in front of a remote-client port, as {@link Coordinator} composes them; upward, a
 * node agent whose trainer is a {@link SubtreeRound}, so that every fit its parent assigns it is a
 * round among its own nodes, folded into one update. It keeps no run of its own: the parent's
 * ledger records the subtree, and a relay started again on the same state directory only finds
 * the models it already downloaded.
 */
final class Relay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Relay.class);
  private static final Duration POLL = Duration.ofMillis(500);

  /** Where the relay dials, serves and keeps its files, and how its own nodes are handled. */
  record Settings(String name, HostPort parent, HostPort listen, Path stateDir, Set<String> allowNodes, int minNodes,
      Duration roundTimeout, Duration heartbeat, Duration livenessTimeout, Duration reconnectMax) {}

  private final Settings settings;
  private final RemoteClients nodes;
  private final FederationService service;
  private final CoordinatorServer server;
  private final GrpcCoordinatorLink parent;
  private final Thread sweeper;

  private Relay(Settings s, Security security) throws IOException {
    this.settings = s;
    this.nodes = new RemoteClients(Clock.systemUTC(), s.livenessTimeout());
    BlobStore blobs = BlobStore.open(s.stateDir().resolve("subtree"));
    // no upload is taken before the parent's first round says how large the model is
    this.service = new FederationService(nodes, blobs, this::status, s.heartbeat(), POLL).admitOnly(s.allowNodes())
        .limitUploads(0);
    try {
      this.server = security.serve(s.listen().host(), s.listen().port(), service);
    } catch (IOException e) {
      throw new UserError("--listen %s:%d cannot be served (%s); choose another address with --listen HOST:PORT"
          .formatted(s.listen().host(), s.listen().port(), e.getMessage()));
    }
    try {
      this.parent = security.dial(s.parent().host(), s.parent().port(), s.stateDir().resolve("parent"));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    this.sweeper = Thread.ofVirtual().name("liveness").start(() -> Waits.every(settings.heartbeat(), nodes::sweep));
    log.info("relay serving relay={} listen={} parent={} security=\"{}\"", s.name(),
        s.listen().host() + ":" + server.port(), s.parent().host() + ":" + s.parent().port(), security.describe());
  }

  /** Serves the relay's nodes and opens the link to its parent; {@link #run} takes assignments. */
  static Relay start(Settings s, Security security, PrintStream console) throws IOException {
    Relay r = new Relay(s, security);
    console.printf("relay %s listening on %s:%d for its nodes, dialling %s:%d (state in %s)%n", s.name(),
        s.listen().host(), r.port(), s.parent().host(), s.parent().port(), s.stateDir());
    return r;
  }

  int port() {
    return server.port();
  }

  /**
   * Carries out the parent's assignments until its run is over, then tells the relay's own nodes
   * the run is over. Returns why the parent refused the relay, if it did.
   */
  Optional<String> run() {
    var timing = new NodeAgent.Timing(POLL, settings.heartbeat(), POLL, settings.reconnectMax());
    var subtree = new SubtreeRound(settings.name(), nodes, settings.minNodes(), settings.roundTimeout());
    var agent = new NodeAgent(settings.name(), parent, global -> {
      // the coordinator's bound for its nodes' uploads, for the relay's nodes
      service.limitUploads(2 * Safetensors.encodedSize(global) + (1 << 20));
      return subtree;
    }, null, timing, settings.name().hashCode())
        .refusingSecureAggregation(Relaying.NO_SECURE_AGGREGATION);
    agent.run();
    nodes.finish();
    log.info("parent run over, stopping nodes relay={} nodes={}", settings.name(), nodes.available().size());
    linger();
    return agent.refusal();
  }

  @Override
  public void close() throws IOException {
    sweeper.interrupt();
    try {
      parent.close();
    } finally {
      server.close();
    }
  }

  private RunStatus status() {
    List<NodeStatus> list = nodes.nodes().stream()
        .map(n -> new NodeStatus(n.name(), n.online(), n.lastSeen(), n.roundsContributed(), Optional.empty()))
        .toList();
    return new RunStatus("relay " + settings.name(), 0, 0, 0, list.isEmpty() ? "waiting" : "running", list);
  }

  /** Keeps serving a moment, so that polling nodes learn the run is over. */
  private void linger() {
    Waits.whileTrue(() -> !nodes.available().isEmpty(), POLL.multipliedBy(4));
  }
}
