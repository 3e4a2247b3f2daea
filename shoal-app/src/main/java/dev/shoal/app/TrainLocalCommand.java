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

  @Option(names = {"--model-path", "--model_path"}, required = true, paramLabel = "M.safetensors", description = "The global model to start from.")
  Path modelPath;

  @Option(names = {"--data-path", "--data_path"}, required = true, paramLabel = "PATH", description = "This site's data in any format Shoal reads (a CSV file, a NumPy .npz, an image folder, an MNIST IDX directory); its train split is used.")
  Path dataPath;

  @Option(names = "--label", defaultValue = "label", paramLabel = "COLUMN", description = "The CSV column holding the label (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--schema", paramLabel = "FILE", description = "The federation's declaration of the data (default: NAME.schema.json next to the data, if present).")
  Path schema;

  @picocli.CommandLine.Mixin OptimizationOptions optimization;

  @Option(names = {"--output-path", "--output_path"}, required = true, paramLabel = "OUTDIR", description = "Where to write update.safetensors.")
  Path outputPath;

  @Option(names = "--model", paramLabel = "NAME|FILE.pt", description = "Architecture, when the model file's metadata does not name it; for a TorchScript architecture, the TorchScript file (its content id must be the one the metadata names).")
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
    String given = model == null ? null : ModelZoo.resolve(model);
    String architecture = given != null && !ModelZoo.isContentId(given) ? given : global.metadata(Metadata.MODEL).or(() -> java.util.Optional.ofNullable(given)).orElseThrow(() -> new UserError(
        modelPath + ": no 'model' in __metadata__; pass --model logreg|mlp|cnn"));
    FederatedData data = dev.shoal.data.DataLoader.load(new dev.shoal.data.DataSpec(dataPath, java.util.Optional.empty(),
        label, java.util.Optional.empty(), java.util.Optional.ofNullable(schema), dev.shoal.data.DataSpec.DEFAULT_TEST_FRACTION, seed)).data();
    OptimizationOptions.Settings learning = optimization.resolve();
    FitConfig fit = UserError.check(() -> new FitConfig(epochs, batchSize, lr, seed, learning.loss(), learning.optimizer(),
        learning.clipNorm()));
    var trainable = optimization.trainable();
    // a whole model (no train_params in its metadata) is trained on the part --train-params names, its frozen tensors its own
    ParameterSet start = trainable.all() || global.metadata(Metadata.TRAIN_PARAMS).isPresent() ? global
        : global.withMetadata(Metadata.TRAIN_PARAMS, trainable.describe());
    FitOutcome outcome = new SiteTrainer(ModelZoo.standard(), data.schema(), trainable).trainer(architecture, start)
        .fit(start, data.train(), fit);

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
