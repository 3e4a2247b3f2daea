package dev.shoal.app;

import dev.shoal.strategy.UpdateFiles;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "aggregate",
    mixinStandardHelpOptions = true,
    description = {
      "FedAvg over update files, weighted by their num_examples metadata. Refuses files whose",
      "tensor names, shapes or base model differ, naming the file; writes nothing then."
    })
final class AggregateCommand implements Callable<Integer> {

  @Option(names = "--output", required = true, paramLabel = "OUT.safetensors", description = "Where to write the aggregate.")
  Path output;

  @Parameters(arity = "1..*", paramLabel = "IN.safetensors", description = "Update files, e.g. from train-local.")
  List<Path> inputs;

  @Override
  public Integer call() throws Exception {
    // every input is the user's file: a refusal of one is theirs to fix
    ParameterSet result = UserError.check(() -> UpdateFiles.aggregate(inputs));
    Safetensors.write(result, output);
    System.out.printf("wrote %s: FedAvg of %d updates, %s%n", output, inputs.size(), ContentId.of(result));
    return 0;
  }
}
