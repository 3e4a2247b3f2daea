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

  /** Receives a tensor's values one block at a time, in order (see {@link #scan}). */
  @FunctionalInterface
  interface Block {

    /**
     * {@code values[0..length)} are the tensor's values from index {@code from} on; the array is
     * reused for the next block once this returns.
     */
    void accept(float[] values, int from, int length);
  }

  /**
   * Tensor {@code name}'s values, block by block: what folds and checks use, so that reading an
   * update from disk allocates nothing per tensor. In memory, the whole tensor is one block.
   *
   * @throws IllegalArgumentException if there is no such tensor
   * @throws java.io.UncheckedIOException if it cannot be read
   */
  default void scan(String name, Block block) {
    float[] values = read(name).data();
    block.accept(values, 0, values.length);
  }

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
      public void scan(String name, Block block) {
        if (name.startsWith(prefix)) {
          throw new IllegalArgumentException("no tensor '" + name + "' here");
        }
        all.scan(name, block);
      }

      @Override
      public Map<String, String> metadata() {
        return all.metadata();
      }
    };
  }
}
