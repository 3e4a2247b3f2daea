package dev.shoal.app;

import dev.shoal.app.ops.NodeMetrics;
import dev.shoal.data.FederatedData;
import dev.shoal.data.MnistDirectory;
import dev.shoal.djl.ModelZoo;
import dev.shoal.node.NodeAgent;
import dev.shoal.secagg.SecAggParticipant;
import dev.shoal.strategy.Metadata;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a node: dial the coordinator (a node never listens), train on this site's data when",
      "instructed, send the update back. Reconnects on its own, with backoff, when the",
      "coordinator is away; stops when the coordinator's run is over."
    })
final class NodeCommand implements Callable<Integer> {

  @Option(names = "--coordinator", required = true, paramLabel = "HOST:PORT", description = "The coordinator to dial.")
  String coordinator;

  @Option(names = "--data-path", required = true, paramLabel = "PATH", description = "This site's data: a CSV file, a NumPy .npz, an image folder, an MNIST IDX directory or a directory of train.npz/test.npz.")
  Path dataPath;

  @Option(names = "--label", defaultValue = "label", paramLabel = "COLUMN", description = "The CSV column holding the label (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--schema", paramLabel = "FILE", description = "The federation's declaration of the data, so that this site encodes as every other does (default: NAME.schema.json next to the data, or schema.json in its directory).")
  Path schema;

  @Option(names = "--model", paramLabel = "FILE.pt", description = "A TorchScript architecture this node approves: it trains a run's TorchScript model only when the run names this file's content id (default: built-in and registered models only).")
  Path model;

  @Option(names = "--train-params", paramLabel = "GLOB", split = ",", description = "The tensors the run trains and exchanges, exactly as the coordinator's --train-params (repeatable); a run that trains another part is refused (default: every tensor).")
  java.util.List<String> trainParams = new java.util.ArrayList<>();

  @Option(names = "--name", description = "This node's name, unique in the federation (default with --kit: the name in its certificate).")
  String name;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Keep the model cache and the ledger witness here: a restarted node does not download the current global model again, and goes on checking the coordinator's ledger from the last checkpoint it cosigned (default: a temporary directory, removed on exit, and the witness in memory).")
  Path stateDir;

  @Mixin SecurityOptions security;

  @Mixin ResourceOptions resourceOptions;

  @Option(names = "--heartbeat-interval", defaultValue = "5", paramLabel = "SECONDS", description = "How often to tell the coordinator this node is alive (default: ${DEFAULT-VALUE}).")
  long heartbeatSeconds;

  @Option(names = "--reconnect-max", defaultValue = "30", paramLabel = "SECONDS", description = "Longest wait between attempts to reach an absent coordinator (default: ${DEFAULT-VALUE}).")
  long reconnectMaxSeconds;

  @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "Serve Prometheus metrics at /metrics (and /healthz) over plain HTTP here; port 0 picks a free one (default: off, the node listens on nothing).")
  String metrics;

  @Override
  public Integer call() throws Exception {
    Security sec = security.resolve();
    name = sec.nodeName(name);
    if (!sec.isTls()) {
      InsecureBanner.print(System.out);
    }
    HostPort address = HostPort.parse(coordinator, "--coordinator");
    HostPort metricsAt = metrics == null ? null : HostPort.parse(metrics, "--metrics");
    FederatedData data = dev.shoal.data.DataLoader.load(new dev.shoal.data.DataSpec(dataPath, java.util.Optional.empty(),
        label, java.util.Optional.empty(), java.util.Optional.ofNullable(schema), dev.shoal.data.DataSpec.DEFAULT_TEST_FRACTION, 42)).data();
    ModelZoo zoo = ModelZoo.standard();
    if (model != null) {
      var approved = ModelZoo.approve(model);
      System.out.printf("node %s: approves architecture %s (%s)%n", name, approved.id(), model);
    }
    var trainers = new SiteTrainer(zoo, data.schema(), UserError.check(() -> new dev.shoal.train.TrainableParameters(trainParams)));
    var timing = new NodeAgent.Timing(Duration.ofMillis(500), Duration.ofSeconds(heartbeatSeconds),
        Duration.ofMillis(500), Duration.ofSeconds(Math.max(1, reconnectMaxSeconds)));
    System.out.printf("node %s: %d training and %d test examples, dialling %s%n",
        name, data.train().size(), data.test().size(), coordinator);
    var resources = resourceOptions.apply();
    System.out.println("resources: " + resources.describe());
    try (var measured = metrics == null ? NodeMetrics.unserved(name) : served(metricsAt);
        var link = sec.dial(address.host(), address.port(), stateDir).announce(resources)) {
      var agent = new NodeAgent(name, measured.link(link), measured.trainers(
          global -> trainers.trainer(global.metadata(Metadata.MODEL).orElseThrow(() -> new UserError(
              "the coordinator's model names no architecture in its 'model' metadata")), global)),
          data, timing, name.hashCode(), new SecAggParticipant(new SecureRandom()))
          .witnessing(NodeWitness.open(name, java.util.Optional.ofNullable(stateDir)));
      if (stateDir != null) {
        agent.keepingControls(dev.shoal.node.ControlFile.in(stateDir));
      }
      agent.run();
      agent.refusal().ifPresent(reason -> {
        throw new UserError(reason.startsWith("this node refused") ? "node " + name + " at " + coordinator + ": " + reason
            : "the coordinator refused node " + name + ": " + reason);
      });
      agent.inconsistency().ifPresent(reason -> {
        throw new UserError("node " + name + " stopped: the coordinator's ledger is inconsistent: " + reason);
      });
    }
    System.out.printf("node %s: the run is over%n", name);
    return 0;
  }

  private NodeMetrics served(HostPort at) {
    NodeMetrics m;
    try {
      m = NodeMetrics.serve(name, at.host(), at.port());
    } catch (java.io.UncheckedIOException e) {
      throw new UserError("--metrics: " + e.getMessage());
    }
    System.out.printf("node %s: metrics at %s/metrics%n", name, m.url().orElseThrow());
    return m;
  }
}
