package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.strategy.Metadata;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TorchScript CNN with batch normalisation and dropout, exported by PyTorch
 * ({@code scripts/export-torchscript-models.py}), federated over gRPC with mutual TLS across node
 * processes on the bundled MNIST sample; the result loads back into PyTorch with
 * {@code load_state_dict(strict=True)} and scores there the accuracy Shoal reported.
 */
class TorchScriptFederationIT {

  static final Path ROOT = Path.of(System.getProperty("shoal.root", ".."));
  static final Path CNN = ROOT.resolve("examples/models/mnist-cnn.pt").toAbsolutePath().normalize();
  static final Path SAMPLE = ROOT.resolve("shoal-core/src/main/resources/dev/shoal/data/mnist-sample").toAbsolutePath();
  static final String PYTHON = "/usr/bin/python3";

  final List<Process> processes = new ArrayList<>();
  @TempDir Path dir;

  @AfterEach
  void stopAll() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void aTorchScriptCnnFederatedByNodeProcessesLoadsBackIntoPyTorchWithTheSameAccuracy() throws Exception {
    provision(2);
    int port = FederationIT.freePort();
    String[] job = {"--model", CNN.toString(), "--rounds", "2", "--min-clients", "2", "--seed", "7",
        "--batch-size", "32", "--lr", "0.05"};
    Process coordinator = start("coordinator", FederationIT.concat(new String[] {"coordinator", "--state-dir", "state",
        "--listen", "127.0.0.1:" + port, "--http", "off", "--kit", "pki/coordinator"}, job));
    for (int i = 0; i < 2; i++) {
      start("client-00" + i, "node", "--coordinator", "127.0.0.1:" + port, "--data-path", "sites/client-00" + i,
          "--model", CNN.toString(), "--kit", "pki/client-00" + i, "--heartbeat-interval", "1", "--reconnect-max", "2");
    }
    assertThat(coordinator.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(coordinator.exitValue()).as(Files.readString(dir.resolve("coordinator.err"))).isZero();

    String architecture = ContentId.of(Files.readAllBytes(CNN)).value();
    List<String> lines = Files.readAllLines(dir.resolve("state/metrics.jsonl"));
    assertThat(lines).hasSize(2);
    JsonNode last = new ObjectMapper().readTree(lines.get(1));
    assertThat(last.get("failures").asInt()).isZero();
    double shoalAccuracy = last.get("test_accuracy").asDouble();
    assertThat(shoalAccuracy).as("the CNN learns").isGreaterThan(0.5);

    Path result = dir.resolve("state/model.safetensors");
    ParameterSet model = Safetensors.read(result);
    assertThat(model.metadata(Metadata.MODEL)).contains(architecture);
    assertThat(model.names()).contains("features.1.running_mean", "features.1.num_batches_tracked", "classifier.4.weight");
    assertThat(model.tensor("features.1.num_batches_tracked").orElseThrow().data()[0])
        .as("the running statistics were trained and averaged").isGreaterThan(0f);
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state/state.db"));
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT config FROM runs")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).as("the run's identity names the architecture by its content id")
          .contains("\"model\":\"" + architecture + "\"");
    }

    if (!pytorchInstalled()) {
      System.out.println("PyTorch is not installed (" + PYTHON + " cannot import torch; apt-get install python3-torch):"
          + " the PyTorch side of this test did not run; Shoal's accuracy was " + shoalAccuracy);
      return;
    }
    Process python = new ProcessBuilder(PYTHON, ROOT.resolve("scripts/pytorch-evaluate.py").toString(), CNN.toString(),
        result.toString(), SAMPLE.resolve("t10k-images-idx3-ubyte.gz").toString(),
        SAMPLE.resolve("t10k-labels-idx1-ubyte.gz").toString()).redirectErrorStream(true).start();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(python.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(python.exitValue()).as(out).isZero();
    JsonNode pytorch = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    System.out.printf("accuracy of the federated TorchScript CNN: Shoal %.4f, PyTorch %.4f%n", shoalAccuracy,
        pytorch.get("accuracy").asDouble());
    assertThat(pytorch.get("examples").asInt()).isEqualTo(2000);
    assertThat(pytorch.get("accuracy").asDouble()).isCloseTo(shoalAccuracy, within(0.001));
  }

  static boolean pytorchInstalled() throws Exception {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      return false;
    }
    Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
  }

  /** A federation CA, the coordinator's kit and {@code nodes} node kits, and the sample split over the nodes. */
  void provision(int nodes) throws Exception {
    run("data", "partition", "--clients", Integer.toString(nodes), "--seed", "7", "--out", "sites");
    run("pki", "init", "--out", "pki/ca");
    run("pki", "issue", "--ca", "pki/ca", "--name", "coordinator", "--role", "coordinator", "--out", "pki/coordinator");
    for (int i = 0; i < nodes; i++) {
      run("pki", "issue", "--ca", "pki/ca", "--name", "client-00" + i, "--role", "node", "--out", "pki/client-00" + i);
    }
  }

  void run(String... args) throws Exception {
    Shoal.Result r = Shoal.run(dir, args);
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  Process start(String name, String... args) throws Exception {
    Process p = Shoal.start(dir, dir.resolve(name + ".out"), dir.resolve(name + ".err"), args);
    processes.add(p);
    return p;
  }
}
