package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strategies that send nodes more than the model (FedProx's μ, SCAFFOLD's control variates) train the same model in process and over gRPC. */
class StrategyTransportIT {

  @TempDir static Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"fedprox", "scaffold", "qfedavg"})
  void theSameSeedGivesTheSameModelInProcessAndOverGrpc(String strategy) throws Exception {
    String[] job = {"simulate", "--model", "logreg", "--clients", "3", "--rounds", "3", "--seed", "11",
        "--partition", "dirichlet", "--alpha", "0.5", "--strategy", strategy, "--contribution", "off"};
    Shoal.Result inproc = run(FederationIT.concat(job, "--out", strategy + "-inproc", "--transport", "inproc"));
    Shoal.Result grpc = run(FederationIT.concat(job, "--out", strategy + "-grpc", "--transport", "grpc"));
    assertThat(grpc.out()).contains("one node thread per client", "round 3/3");
    ParameterSet a = Safetensors.read(dir.resolve(strategy + "-inproc/model.safetensors"));
    ParameterSet b = Safetensors.read(dir.resolve(strategy + "-grpc/model.safetensors"));
    assertThat(b.names()).isEqualTo(a.names());
    double max = 0;
    for (Tensor t : a.tensors()) {
      float[] x = b.tensor(t.name()).orElseThrow().data();
      for (int i = 0; i < x.length; i++) {
        max = Math.max(max, Math.abs(x[i] - t.data()[i]));
      }
    }
    assertThat(max).as("largest difference between the two models").isLessThanOrEqualTo(1e-6);
    assertThat(inproc.out()).contains("round 3/3");
    if (strategy.equals("scaffold")) {
      // each node keeps its control variate in its state directory
      for (int i = 0; i < 3; i++) {
        assertThat(dir.resolve(strategy + "-grpc/nodes/client-00" + i + "/scaffold-control.safetensors")).exists();
      }
    }
  }

  private static Shoal.Result run(String... args) throws Exception {
    Shoal.Result r = Shoal.run(dir, args);
    assertThat(r.exitCode()).as("exit code; stderr:%n%s", r.err()).isZero();
    return r;
  }
}
