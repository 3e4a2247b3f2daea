package dev.shoal.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.data.DataLoader;
import dev.shoal.data.DataSpec;
import dev.shoal.data.FederatedData;
import dev.shoal.data.Task;
import dev.shoal.djl.ModelZoo;
import dev.shoal.strategy.Metadata;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.train.Evaluation;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a model file on data and print the task's metrics as one JSON line: loss and",
      "accuracy and macro_f1 (classification), plus roc_auc (binary), or mse, mae and r2 (regression)."
    })
final class EvaluateCommand implements Callable<Integer> {

  @Option(names = {"--model-path", "--model_path"}, required = true, paramLabel = "M.safetensors", description = "The model to evaluate.")
  Path modelPath;

  @Option(names = "--model", paramLabel = "NAME|FILE.pt", description = "Architecture, when the model file's metadata does not name it; for a TorchScript architecture, the TorchScript file (its content id must be the one the metadata names).")
  String model;

  @Option(names = {"--data", "--data-path", "--data_path"}, required = true, paramLabel = "PATH", description = "Data in any format Shoal reads; its test split is used (a single file's seeded --test-fraction, or --test-data).")
  Path data;

  @Option(names = "--label", defaultValue = "label", paramLabel = "COLUMN", description = "The CSV column holding the label (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--task", paramLabel = "TASK", description = "classification, binary or regression (default: inferred from the labels).")
  String task;

  @Option(names = "--schema", paramLabel = "FILE", description = "The declaration the data is read by (default: NAME.schema.json next to the data, if present).")
  Path schema;

  @Option(names = "--test-data", paramLabel = "PATH", description = "Evaluate on this data instead of a split of --data.")
  Path testData;

  @Option(names = "--test-fraction", defaultValue = "0.2", paramLabel = "F", description = "Share of a single file held out and evaluated on (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the test split, as in the run (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    ParameterSet parameters = Safetensors.read(modelPath);
    String given = model == null ? null : ModelZoo.resolve(model);
    String architecture = given != null && !ModelZoo.isContentId(given) ? given : parameters.metadata(Metadata.MODEL).or(() -> java.util.Optional.ofNullable(given)).orElseThrow(() -> new UserError(
        modelPath + ": no 'model' in __metadata__; pass --model logreg|mlp|cnn"));
    Optional<Task> declared = DataOptions.task(task);
    DataSpec spec = UserError.check(() -> new DataSpec(data, Optional.ofNullable(testData), label, declared,
        Optional.ofNullable(schema), testFraction, seed));
    FederatedData loaded = DataLoader.load(spec).data();
    Evaluation e = ModelZoo.standard().trainer(architecture, loaded.schema()).evaluate(parameters, loaded.test());
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("model", architecture);
    line.put("task", loaded.schema().task().id());
    line.put("examples", e.numExamples());
    e.all().forEach((k, v) -> line.put(k, Double.isFinite(v) ? v : null));
    System.out.println(new ObjectMapper().writeValueAsString(line));
    return 0;
  }
}
