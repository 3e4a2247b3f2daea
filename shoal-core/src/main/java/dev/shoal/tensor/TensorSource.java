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

  /**
   * This source without the tensors whose names start with {@code prefix}, such as what a
   * strategy sends beside the model's own tensors.
   */
  default TensorSource without(String prefix) {
    List<String> kept = names().stream().filter(n -> !n.startsWith(prefix)).toList();
    if (kept.size() == names().size()) {
      return this;
    }
    TensorSource all = this;
    return new TensorSource() {
      @Override
      public List<String> names() {
        return kept;
      }

      @Override
      public java.util.Optional<int[]> shape(String name) {
        return name.startsWith(prefix) ? java.util.Optional.empty() : all.shape(name);
      }

      @Override
      public Tensor read(String name) {
        if (name.startsWith(prefix)) {
          throw new IllegalArgumentException("no tensor '" + name + "' here");
        }
        return all.read(name);
      }

      @Override
      public Map<String, String> metadata() {
        return all.metadata();
      }
    };
  }
}
