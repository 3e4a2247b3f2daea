package dev.shoal.tensor;

import java.util.List;
import java.util.Map;

/**
 * Named float32 tensors that can be read one at a time: a {@link ParameterSet} in memory, or a
 * {@link SafetensorsFile} on disk. Whoever validates or folds an update through this view holds
 * at most one of its tensors at a time, however large the update is.
 */
public interface TensorSource {

  /** Tensor names in order. */
  List<String> names();

  /** The shape of tensor {@code name}, or empty when there is no such tensor. */
  java.util.Optional<int[]> shape(String name);

  /**
   * The tensor {@code name}, read now.
   *
   * @throws IllegalArgumentException if there is no such tensor
   * @throws java.io.UncheckedIOException if it cannot be read
   */
  Tensor read(String name);

  Map<String, String> metadata();
}
