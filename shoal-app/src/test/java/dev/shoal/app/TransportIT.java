package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --transport grpc}, with node threads and with node processes, against in-process clients. */
class TransportIT {

  static final String[] JOB = {"simulate", "--model", "logreg", "--clients", "3", "--rounds", "3", "--seed", "11"};

  @TempDir static Path dir;
  static ParameterSet inProcess;

  @BeforeAll
  static void inProcessRun() throws Exception {
    run("inproc", "--transport", "inproc");
    inProcess = Safetensors.read(dir.resolve("inproc/model.safetensors"));
  }

  @Test
  void nodeThreadsOverGrpcTrainTheSameModel() throws Exception {
    Shoal.Result r = run("threads", "--transport", "grpc");
    assertThat(r.out()).contains("one node thread per client", "coordinator listening on 127.0.0.1:", "round 3/3");
    assertSameOutputs("threads");
  }

  @Test
  void nodeProcessesOverGrpcTrainTheSameModel() throws Exception {
    Shoal.Result r = run("processes", "--transport", "grpc", "--processes");
    assertThat(r.out()).contains("one node process per client", "round 3/3");
    assertSameOutputs("processes");
    for (int i = 0; i < 3; i++) {
      assertThat(dir.resolve("processes/nodes/client-00" + i + "/train-images-idx3-ubyte.gz")).exists();
      assertThat(Files.readString(dir.resolve("processes/nodes/client-00" + i + ".log")))
          .contains("node client-00" + i + ": the run is over");
    }
  }

  @Test
  void processesWithoutGrpcIsRejected() throws Exception {
    Shoal.Result r = Shoal.run(dir, "simulate", "--processes", "--out", "rejected");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--processes needs --transport grpc");
    assertThat(dir.resolve("rejected")).doesNotExist();
  }

  @Test
  void unknownTransportIsRejected() throws Exception {
    Shoal.Result r = Shoal.run(dir, "demo", "--transport", "pigeon", "--out", "rejected");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--transport must be inproc or grpc, got 'pigeon'");
    assertThat(dir.resolve("rejected")).doesNotExist();
  }

  static Shoal.Result run(String out, String... transport) throws Exception {
    Shoal.Result r = Shoal.run(dir, FederationIT.concat(FederationIT.concat(JOB, "--out", out), transport));
    assertThat(r.exitCode()).as("exit code; stderr:%n%s", r.err()).isZero();
    return r;
  }

  static void assertSameOutputs(String out) throws Exception {
    assertThat(FederationIT.rounds(dir.resolve(out + "/metrics.jsonl"))).containsExactly(1, 2, 3);
    ParameterSet model = Safetensors.read(dir.resolve(out + "/model.safetensors"));
    assertThat(model.names()).isEqualTo(inProcess.names());
    double max = 0;
    for (Tensor t : inProcess.tensors()) {
      float[] a = model.tensor(t.name()).orElseThrow().data();
      for (int i = 0; i < a.length; i++) {
        max = Math.max(max, Math.abs(a[i] - t.data()[i]));
      }
    }
    System.out.printf("%s: max abs difference from the in-process model: %s%n", out, max);
    assertThat(max).isLessThanOrEqualTo(1e-6);
  }
}
