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

  @Mixin SecurityOptions security;

  @Option(names = "--crl", paramLabel = "FILE", description = "Revocation list to enforce, re-read whenever it changes (default: the kit's crl.pem).")
  Path crl;

  @Option(names = "--allow-node", paramLabel = "NAME", description = "Admit only these nodes (repeatable; default: any node of the federation).")
  List<String> allowNodes = new ArrayList<>();

  @Option(names = "--run-name", defaultValue = "default", description = "Name of the run in the state directory (default: ${DEFAULT-VALUE}).")
  String runName;

  @Mixin TrainingOptions training;

  @Mixin DataOptions dataOptions;

  @Mixin OptimizationOptions optimization;

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
    int minClients = t.minClients(Integer.MAX_VALUE);
    Job job = new Job(t.model, minClients, t.rounds, t.fraction, minClients, "iid", 0.5, t.localEpochs, t.batchSize,
        t.lr, t.seed, t.fractionEvaluate, t.roundTimeout(), 1, Optional.ofNullable(t.dataDir),
        privacy.resolve(), ledger.resolve(), anchor.resolve()).withLearning(optimization.resolve(dataOptions.resolve(t.seed)));
    FederatedData data = SiteData.load(job.learning(), job.dataDir(), System.out);
    var net = new Coordinator.Network(address.host(), address.port(),
        Duration.ofSeconds(heartbeatSeconds), Duration.ofSeconds(livenessSeconds), sec, Set.copyOf(allowNodes),
        "off".equals(http) ? Optional.empty() : Optional.of(HostPort.parse(http, "--http").operations()));
    Coordinator.run(job, runName, stateDir, data, net, System.out);
    return 0;
  }
}
