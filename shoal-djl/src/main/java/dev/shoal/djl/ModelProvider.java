package dev.shoal.djl;

/**
 * Contributes models to {@link ModelZoo#standard()} from a jar on the class path.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class name in
 * {@code META-INF/services/dev.shoal.djl.ModelProvider}.
 */
public interface ModelProvider {

  /** Registers this provider's models, for example {@code zoo.register("tiny", spec)}. */
  void registerModels(ModelZoo zoo);
}
