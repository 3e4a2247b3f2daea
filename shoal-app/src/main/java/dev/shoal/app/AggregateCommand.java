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
      "FedAvg over update files, weighted by their num_examples metadata. Checks every header",
      "first, then folds the files one by one from memory-mapped data. Refuses files whose",
      "tensor names, shapes, dtypes or base model differ or that hold NaN or infinite values,",
      "naming the file; writes nothing then."
    })
final class AggregateCommand implements Callable<Integer> {

  @Option(names = "--output", required = true, paramLabel = "OUT.safetensors", description = "Where to write the aggregate.")
  Path output;

  @Parameters(arity = "1..*", paramLabel = "IN.safetensors", description = "Update files, e.g. from train-local.")
  List<Path> inputs;

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads that fold the files, each over its share of the model's values (default: the CPUs available).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    if (threads != null && threads < 1) {
      throw new UserError("--threads must be at least 1, got " + threads);
    }
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    // every input is the user's file: a refusal of one is theirs to fix
    ParameterSet result = UserError.check(() -> UpdateFiles.aggregate(inputs, n));
    Safetensors.write(result, output);
    System.out.printf("wrote %s: FedAvg of %d updates, %s%n", output, inputs.size(), ContentId.of(result));
    return 0;
  }
}
