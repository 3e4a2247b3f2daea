package dev.shoal.app;

import dev.shoal.data.FederatedData;
import dev.shoal.data.MnistDirectory;
import dev.shoal.djl.ModelZoo;
import dev.shoal.strategy.Metadata;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "train-local",
    mixinStandardHelpOptions = true,
    description = {
      "Run one local training job: train a global model on this site's data and write",
      "OUTDIR/update.safetensors, whose metadata holds num_examples and the base model's id."
    })
final class TrainLocalCommand implements Callable<Integer> {

  @Option(names = "--model-path", required = true, paramLabel = "M.safetensors", description = "The global model to start from.")
  Path modelPath;

  @Option(names = "--data-path", required = true, paramLabel = "DIR", description = "A directory of MNIST-format IDX files (train split is used).")
  Path dataPath;

  @Option(names = "--output-path", required = true, paramLabel = "OUTDIR", description = "Where to write update.safetensors.")
  Path outputPath;

  @Option(names = "--model", description = "Architecture, when the model file's metadata does not name it.")
  String model;

  @Option(names = "--epochs", defaultValue = "1", description = "Local epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "10", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.1", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--seed", defaultValue = "42", description = "Shuffling seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    byte[] modelBytes = Files.readAllBytes(modelPath);
    ParameterSet global = Safetensors.decode(modelBytes, modelPath.toString());
    String architecture = model != null ? model : global.metadata(Metadata.MODEL).orElseThrow(() -> new UserError(
        modelPath + ": no 'model' in __metadata__; pass --model logreg|mlp|cnn"));
    FederatedData data = MnistDirectory.load(dataPath);
    FitOutcome outcome = ModelZoo.standard().newTrainer(architecture)
        .fit(global, data.train(), UserError.check(() -> new FitConfig(epochs, batchSize, lr, seed)));

    Map<String, String> meta = new LinkedHashMap<>(global.metadata());
    meta.put(Metadata.MODEL, architecture);
    meta.put(Metadata.NUM_EXAMPLES, Long.toString(outcome.numExamples()));
    meta.put(Metadata.BASE_MODEL, ContentId.of(modelBytes).value());
    outcome.metrics().forEach((k, v) -> meta.put(k, Double.toString(v)));
    Path update = outputPath.resolve("update.safetensors");
    Safetensors.write(outcome.parameters().withMetadata(meta), update);
    System.out.printf(Locale.ROOT, "wrote %s: %d examples, train_loss %.4f%n",
        update, outcome.numExamples(), outcome.metrics().getOrDefault("train_loss", Double.NaN));
    return 0;
  }
}
