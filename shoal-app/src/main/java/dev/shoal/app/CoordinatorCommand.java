package dev.shoal.app;

import dev.shoal.data.FederatedData;
import dev.shoal.data.MnistDirectory;
import dev.shoal.data.MnistSample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "coordinator",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a federation's coordinator: nodes dial in over gRPC, the coordinator runs the rounds and",
      "keeps its state (SQLite, content-addressed models) in --state-dir. Started again on the",
      "same state directory, it resumes after the last completed round. Writes metrics.jsonl and",
      "model.safetensors into the state directory. Options can come from --config job.yaml."
    })
final class CoordinatorCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "YAML job file with option values.")
  Path config;

  @Option(names = "--state-dir", required = true, paramLabel = "DIR", description = "Where the run's durable state lives.")
  Path stateDir;

  @Option(names = "--listen", defaultValue = "127.0.0.1:7470", paramLabel = "HOST:PORT", description = "Address to serve on; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--http", defaultValue = "127.0.0.1:7471", paramLabel = "HOST:PORT|off", description = "Serve /metrics (Prometheus), the live dashboard and /healthz over plain HTTP here; port 0 picks a free one; 'off' serves none (default: ${DEFAULT-VALUE}).")
  String http;

  @Option(names = "--http-allowed-host", paramLabel = "NAME", description = "A host name the HTTP side may be addressed by besides IP addresses, localhost and the --http host (repeatable); requests naming any other host are refused (DNS rebinding).")
  List<String> httpAllowedHosts = new ArrayList<>();

  @Mixin SecurityOptions security;

  @Option(names = "--crl", paramLabel = "FILE", description = "Revocation list to enforce, re-read whenever it changes (default: the kit's crl.pem).")
  Path crl;

  @Option(names = "--allow-node", paramLabel = "NAME", description = "Admit only these nodes (repeatable; default: any node of the federation).")
  List<String> allowNodes = new ArrayList<>();

  @Option(names = "--nodes", paramLabel = "N", description = "How many nodes the federation has; sizes secure aggregation's checks and the count noise of adaptive DP clipping before nodes register (default: the --allow-node count, else unknown).")
  Integer nodes;

  @Option(names = "--run-name", defaultValue = "default", description = "Name of the run in the state directory (default: ${DEFAULT-VALUE}).")
  String runName;

  @Mixin TrainingOptions training;

  @Mixin PrivacyOptions privacy;

  @Mixin LedgerOptions ledger;

  @Mixin AnchorOptions anchor;

  @Option(names = "--heartbeat-interval", defaultValue = "5", paramLabel = "SECONDS", description = "How often nodes must show they are alive (default: ${DEFAULT-VALUE}).")
  long heartbeatSeconds;

  @Option(names = "--liveness-timeout", defaultValue = "30", paramLabel = "SECONDS", description = "A node silent this long is offline and its work fails (default: ${DEFAULT-VALUE}).")
  long livenessSeconds;

  @Override
  public Integer call() throws Exception {
    Security sec = security.resolveForCoordinator(crl);
    HostPort address = HostPort.parse(listen, "--listen");
    TrainingOptions t = training;
    OptionalInt size = nodes != null ? OptionalInt.of(nodes)
        : allowNodes.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Set.copyOf(allowNodes).size());
    Specs specs = new Specs(t.trainingSpec(), t.federationSpec(size, privacy.resolve(), ledger.resolve(), anchor.resolve()),
        Optional.empty());
    FederatedData data = t.dataDir == null ? MnistSample.load() : MnistDirectory.load(t.dataDir);
    var net = new Coordinator.Network(address.host(), address.port(),
        Duration.ofSeconds(heartbeatSeconds), Duration.ofSeconds(livenessSeconds), sec, Set.copyOf(allowNodes),
        "off".equals(http) ? Optional.empty()
            : Optional.of(HostPort.parse(http, "--http").operations(Set.copyOf(httpAllowedHosts))));
    try (var notice = InterruptNotice.forCoordinator(stateDir, specs.federation().rounds(), System.out);
        Coordinator coordinator = Coordinator.start(specs, new Coordinator.Place(runName, stateDir, stateDir, data),
            net, System.out)) {
      coordinator.run(Optional.empty());
    }
    return 0;
  }
}
