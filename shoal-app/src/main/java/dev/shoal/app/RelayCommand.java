package dev.shoal.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "relay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a relay: a node to its parent (the coordinator or another relay) and a coordinator to",
      "its own nodes. Each round its parent assigns it runs among its nodes, and their",
      "example-weighted mean goes up as one update weighing their total example count, so FedAvg",
      "over relays is FedAvg over their nodes. Stops when the parent's run is over."
    })
final class RelayCommand implements Callable<Integer> {

  @Option(names = "--parent", required = true, paramLabel = "HOST:PORT", description = "The coordinator or relay to dial.")
  String parent;

  @Option(names = "--listen", defaultValue = "127.0.0.1:7472", paramLabel = "HOST:PORT", description = "Address to serve this relay's nodes on; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--name", description = "This relay's name among its parent's nodes (default with --kit: the name in its certificate).")
  String name;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Keep the downloaded models and the nodes' uploads here, so a restarted relay does not download the current model again (default: a temporary directory, removed on exit).")
  Path stateDir;

  @Mixin SecurityOptions security;

  @Option(names = "--crl", paramLabel = "FILE", description = "Revocation list to enforce on this relay's nodes, re-read whenever it changes (default: the kit's crl.pem).")
  Path crl;

  @Option(names = "--allow-node", paramLabel = "NAME", description = "Admit only these nodes (repeatable; default: any node of the federation).")
  List<String> allowNodes = new ArrayList<>();

  @Option(names = "--min-nodes", defaultValue = "1", paramLabel = "N", description = "A round waits (up to --round-timeout) until this many of the relay's nodes are registered, then runs with every registered one (default: ${DEFAULT-VALUE}).")
  int minNodes;

  @Option(names = "--round-timeout", defaultValue = "300", paramLabel = "SECONDS", description = "How long a round waits for the relay's nodes, then for their updates; keep it below the parent's --round-timeout (default: ${DEFAULT-VALUE}).")
  long roundTimeoutSeconds;

  @Option(names = "--heartbeat-interval", defaultValue = "5", paramLabel = "SECONDS", description = "How often to tell the parent this relay is alive, and how often its own nodes must (default: ${DEFAULT-VALUE}).")
  long heartbeatSeconds;

  @Option(names = "--liveness-timeout", defaultValue = "30", paramLabel = "SECONDS", description = "A node of this relay silent this long is offline and its work fails (default: ${DEFAULT-VALUE}).")
  long livenessSeconds;

  @Option(names = "--reconnect-max", defaultValue = "30", paramLabel = "SECONDS", description = "Longest wait between attempts to reach an absent parent (default: ${DEFAULT-VALUE}).")
  long reconnectMaxSeconds;

  @Override
  public Integer call() throws Exception {
    Security sec = security.resolveForRelay(crl);
    String self = sec.relayName(name);
    if (!sec.isTls()) {
      InsecureBanner.print(System.out);
    }
    if (minNodes < 1) {
      throw new UserError("--min-nodes must be >= 1, got " + minNodes);
    }
    if (roundTimeoutSeconds < 1) {
      throw new UserError("--round-timeout must be >= 1 second, got " + roundTimeoutSeconds);
    }
    HostPort parentAt = HostPort.parse(parent, "--parent");
    HostPort listenAt = HostPort.parse(listen, "--listen");
    boolean temporary = stateDir == null;
    Path dir = temporary ? Files.createTempDirectory("shoal-relay-") : stateDir;
    var settings = new Relay.Settings(self, parentAt, listenAt, dir, Set.copyOf(allowNodes), minNodes, Duration.ofSeconds(roundTimeoutSeconds), Duration.ofSeconds(heartbeatSeconds),
        Duration.ofSeconds(livenessSeconds), Duration.ofSeconds(Math.max(1, reconnectMaxSeconds)));
    try (Relay relay = Relay.start(settings, sec, System.out)) {
      relay.run().ifPresent(reason -> {
        throw new UserError("the parent at " + parent + " refused relay " + self + ": " + reason);
      });
    } finally {
      if (temporary) {
        deleteTree(dir);
      }
    }
    System.out.printf("relay %s: the run is over%n", self);
    return 0;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
