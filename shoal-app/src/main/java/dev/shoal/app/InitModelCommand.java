package dev.shoal.app;

import dev.shoal.djl.ModelZoo;
import dev.shoal.strategy.Metadata;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "init-model",
    mixinStandardHelpOptions = true,
    description = "Write freshly initialised parameters of a model to a safetensors file.")
final class InitModelCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "logreg, mlp or cnn, or a registered model.")
  String model;

  @Option(names = "--seed", defaultValue = "42", description = "Initialisation seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--output", required = true, paramLabel = "FILE.safetensors", description = "Where to write the model.")
  Path output;

  @Override
  public Integer call() throws Exception {
    ParameterSet p = ModelZoo.standard().newTrainer(model).initialParameters(seed)
        .withMetadata(Map.of(Metadata.MODEL, model, Metadata.ROUND, "0", "seed", Long.toString(seed)));
    Safetensors.write(p, output);
    System.out.printf("wrote %s: %s, %,d parameters, %s%n", output, model, p.parameterCount(), ContentId.of(p));
    return 0;
  }
}
