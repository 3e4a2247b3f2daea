package dev.shoal.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Train the FedAvg paper's 2NN (mlp) on the bundled MNIST sample, split IID across 10 clients,",
      "for 15 rounds, with a coordinator and a node per client talking gRPC over mutual TLS on",
      "loopback. Writes metrics.jsonl and model.safetensors."
    })
final class DemoCommand implements Callable<Integer> {

  @Mixin TransportOptions transport;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/demo-TIMESTAMP).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Transport how = transport.resolve("grpc");
    Path dir = RunDirectory.resolve(out, "demo");
    try (var notice = InterruptNotice.forSimulation(dir, Specs.demo().federation().rounds(), System.out)) {
      Simulation.run(Specs.demo(), how, dir, System.out);
    } catch (Exception e) {
      RunDirectory.releaseIfEmpty(dir);
      throw e;
    }
    return 0;
  }
}
