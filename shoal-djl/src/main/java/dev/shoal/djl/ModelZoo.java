package dev.shoal.djl;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Named model architectures. The built-in ones are {@value #LOGREG}, {@value #MLP} and {@value
 * #CNN}, all for 28x28 greyscale images and 10 classes; bring your own by {@linkplain
 * #register registering} a {@link ModelSpec} under a new name, or by shipping a {@link
 * ModelProvider} on the class path.
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

  private final Map<String, ModelSpec> specs = new TreeMap<>();

  private ModelZoo() {}

  /** A zoo with only the built-in models. */
  public static ModelZoo builtIn() {
    var zoo = new ModelZoo();
    zoo.register(LOGREG, ZooModels.logreg());
    zoo.register(MLP, ZooModels.mlp());
    zoo.register(CNN, ZooModels.cnn());
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

  /** A trainer for the model registered under {@code name}. */
  public DjlTrainer newTrainer(String name) {
    return new DjlTrainer(name, get(name));
  }
}
