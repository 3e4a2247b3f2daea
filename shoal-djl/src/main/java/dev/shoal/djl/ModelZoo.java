package dev.shoal.djl;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import dev.shoal.data.Schema;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.PartialTrainer;
import dev.shoal.train.Trainer;
import dev.shoal.train.TrainableParameters;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

/**
 * Named model architectures. The built-in ones are {@value #LOGREG}, {@value #MLP} and {@value
 * #CNN}; they adapt to the data's {@link Schema} (input shape, number of outputs) and for 28x28
 * greyscale images with 10 classes are the MNIST models. Bring your own by {@linkplain #register
 * registering} a {@link ModelSpec} (fixed input) or an {@linkplain #registerAdaptive adaptive}
 * one under a new name, or by shipping a {@link ModelProvider} on the class path.
 *
 * <p>A zoo is safe to use from several threads.
 */
public final class ModelZoo {

  /** Multinomial logistic regression, 7,850 parameters. */
  public static final String LOGREG = "logreg";

  /** The FedAvg paper's 2NN (784-200-200-10, ReLU), 199,210 parameters. */
  public static final String MLP = "mlp";

  /** The FedAvg paper's CNN (two 5x5 convolutions, FC 512), 1,663,370 parameters. */
  public static final String CNN = "cnn";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  /** The TorchScript files this process was given, by content id: the architectures it approved. */
  private static final Map<String, TorchScriptFile> APPROVED = new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, ModelSpec> specs = new TreeMap<>();
  private final Map<String, Function<Schema, ModelSpec>> adaptive = new TreeMap<>();

  private ModelZoo() {}

  /** A zoo with only the built-in models. */
  public static ModelZoo builtIn() {
    var zoo = new ModelZoo();
    zoo.registerAdaptive(LOGREG, ZooModels.logreg(), ZooModels::logreg);
    zoo.registerAdaptive(MLP, ZooModels.mlp(), ZooModels::mlp);
    zoo.registerAdaptive(CNN, ZooModels.cnn(), ZooModels::cnn);
    return zoo;
  }

  /** The built-in models plus those of every {@link ModelProvider} on the class path. */
  public static ModelZoo standard() {
    var zoo = builtIn();
    for (ModelProvider provider : ServiceLoader.load(ModelProvider.class)) {
      provider.registerModels(zoo);
    }
    return zoo;
  }

  /**
   * Adds a model under {@code name}: lower-case letters, digits, '.', '_' or '-', at most 64
   * characters, starting with a letter or digit.
   *
   * @return this zoo
   * @throws IllegalArgumentException if the name is malformed or already taken
   */
  public synchronized ModelZoo register(String name, ModelSpec spec) {
    Objects.requireNonNull(spec, "spec");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "model name '%s' is not allowed; use 1-64 lower-case letters, digits, '.', '_' or '-'"
              .formatted(name));
    }
    if (specs.containsKey(name)) {
      throw new IllegalArgumentException(
          "model '%s' is already registered; choose another name".formatted(name));
    }
    specs.put(name, spec);
    return this;
  }

  /**
   * Adds a model under {@code name} that adapts to the data: {@code forSchema} builds its spec for
   * a schema; {@code spec} is the one {@link #get} returns (its MNIST form, for instance).
   *
   * @return this zoo
   * @throws IllegalArgumentException if the name is malformed or already taken
   */
  public synchronized ModelZoo registerAdaptive(String name, ModelSpec spec, Function<Schema, ModelSpec> forSchema) {
    register(name, spec);
    adaptive.put(name, Objects.requireNonNull(forSchema, "forSchema"));
    return this;
  }

  /**
   * The spec of {@code name} for data of {@code schema}: an adaptive model's spec for it, or the
   * registered spec when it takes the schema's input.
   *
   * @throws UnknownModelException if there is no such model
   * @throws IncompatibleDataException if the model does not take the schema's examples
   */
  public synchronized ModelSpec get(String name, Schema schema) {
    ModelSpec fixed = get(name);
    Function<Schema, ModelSpec> f = adaptive.get(name);
    if (f != null) {
      return f.apply(schema);
    }
    if (fixed.inputSize() != schema.inputSize()) {
      throw new IncompatibleDataException(
          "model '%s' takes examples of shape %s (%d values) but the data's examples have shape %s (%d values)"
              .formatted(name, fixed.inputShape(), fixed.inputSize(), schema.inputShape(), schema.inputSize()));
    }
    return fixed;
  }

  /**
   * The spec registered under {@code name}.
   *
   * @throws UnknownModelException listing the known names if there is none
   */
  public synchronized ModelSpec get(String name) {
    ModelSpec spec = specs.get(name);
    if (spec == null) {
      throw new UnknownModelException(name, specs.keySet());
    }
    return spec;
  }

  /** The spec registered under {@code name}, if any. */
  public synchronized Optional<ModelSpec> find(String name) {
    return Optional.ofNullable(specs.get(name));
  }

  /** Registered names in alphabetical order. */
  public synchronized List<String> names() {
    return List.copyOf(specs.keySet());
  }

  /** A trainer for the model registered under {@code name}, in its registered (MNIST) form. */
  public DjlTrainer newTrainer(String name) {
    return new DjlTrainer(name, get(name));
  }

  /** A trainer for the model registered under {@code name}, for data of {@code schema}. */
  public DjlTrainer newTrainer(String name, Schema schema) {
    return new DjlTrainer(name, get(name, schema));
  }

  /**
   * Reads the TorchScript file at {@code path} and approves its architecture for this process:
   * from then on a run naming its content id trains it.
   *
   * @return the file, with its content id
   * @throws IncompatibleDataException if the file does not exist or is not TorchScript
   */
  public static TorchScriptFile approve(java.nio.file.Path path) {
    TorchScriptFile file = TorchScriptFile.read(path);
    APPROVED.putIfAbsent(file.id(), file);
    return file;
  }

  /**
   * The model a {@code --model} value names: a TorchScript file (a path ending in {@code .pt}) is
   * {@linkplain #approve approved} and named by its content id; anything else is a zoo name,
   * returned as it is.
   */
  public static String resolve(String model) {
    return TorchScriptFile.looksLikeFile(model) ? approve(java.nio.file.Path.of(model)).id() : model;
  }

  /** Whether {@code model} names a TorchScript architecture by its content id. */
  public static boolean isContentId(String model) {
    return model.startsWith("sha256:");
  }

  /**
   * A trainer for {@code model}, for data of {@code schema}: a zoo name, or the content id of an
   * {@linkplain #approve approved} TorchScript file.
   *
   * @throws UnapprovedModelException naming both ids if the content id is not approved here
   * @throws UnknownModelException if there is no such zoo model
   */
  public Trainer trainer(String model, Schema schema) {
    if (!isContentId(model)) {
      return newTrainer(model, schema);
    }
    TorchScriptFile file = APPROVED.get(model);
    if (file == null) {
      String held = APPROVED.isEmpty() ? "none (no --model file)"
          : APPROVED.values().stream().map(f -> f.id() + " (" + f.path() + ")").sorted()
              .collect(java.util.stream.Collectors.joining(", "));
      throw new UnapprovedModelException(
          "the run trains architecture %s, which this process has not approved; it approved %s; give it the same TorchScript file with --model PATH"
              .formatted(model, held));
    }
    return new TorchScriptTrainer(file, new ai.djl.ndarray.types.Shape(
        java.util.Arrays.stream(schema.shape()).asLongStream().toArray()));
  }

  /**
   * A trainer for {@code model} that trains and exchanges only the tensors {@code trainable}
   * selects ({@code --train-params}), or the whole model when it selects all. The frozen rest is
   * the architecture's: a TorchScript file's own weights, a zoo model's initialisation from {@code
   * seed} (the run's seed, the same at every site).
   *
   * @throws IncompatibleParametersException naming the model's first tensors if a glob matches
   *     none of them or every parameter would be frozen
   */
  public Trainer trainer(String model, Schema schema, TrainableParameters trainable, long seed) {
    Trainer whole = trainer(model, schema);
    if (trainable.all()) {
      return whole;
    }
    String name;
    List<String> tensors;
    Set<String> parameters;
    ParameterSet architecture;
    if (whole instanceof TorchScriptTrainer t) {
      name = t.file().name() + " (" + t.file().id() + ")";
      architecture = t.initialParameters(seed);
      tensors = t.tensorNames();
      var buffers = Set.copyOf(t.bufferNames());
      parameters = tensors.stream().filter(n -> !buffers.contains(n)).collect(Collectors.toSet());
    } else if (whole instanceof DjlTrainer d) {
      name = d.model();
      architecture = d.initialParameters(seed);
      tensors = architecture.names();
      parameters = Set.copyOf(tensors);
    } else {
      throw new IllegalStateException("no partial training for " + whole.getClass().getName());
    }
    Set<String> selected;
    try {
      selected = trainable.select(name, tensors, parameters);
    } catch (IllegalArgumentException e) {
      throw new IncompatibleParametersException(e.getMessage());
    }
    Trainer frozen = whole instanceof TorchScriptTrainer t ? t.withTrainable(selected)
        : ((DjlTrainer) whole).withTrainable(selected);
    return new PartialTrainer(frozen, architecture, selected);
  }
}
