package dev.shoal.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Train the FedAvg paper's 2NN (mlp) on the bundled MNIST sample, split IID across 10 clients,",
      "for 15 rounds. Writes metrics.jsonl and model.safetensors."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--transport", defaultValue = "inproc", paramLabel = "inproc|grpc", description = {
      "inproc: clients are called directly in this process; grpc: a coordinator on 127.0.0.1",
      "(loopback only, so plaintext) and one node per client dialling it (default: ${DEFAULT-VALUE})."})
  String transport;

  @Option(names = "--processes", description = "With --transport grpc: run each node as its own OS process.")
  boolean processes;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/demo-TIMESTAMP).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Transport how = Transport.parse(transport, processes);
    Simulation.run(Job.demo(), how, RunDirectory.resolve(out, "demo"), System.out);
    return 0;
  }
}
