package dev.shoal.tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a model (or an update): named tensors in a fixed order, plus string
 * metadata such as {@code round}, {@code num_examples} or {@code base_model}.
 */
public final class ParameterSet implements TensorSource {

  private final Map<String, Tensor> tensors;
  private final Map<String, String> metadata;

  public ParameterSet(List<Tensor> tensors, Map<String, String> metadata) {
    var byName = new LinkedHashMap<String, Tensor>();
    for (Tensor t : tensors) {
      if (byName.put(t.name(), t) != null) {
        throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
      }
    }
    this.tensors = Collections.unmodifiableMap(byName);
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  public ParameterSet(List<Tensor> tensors) {
    this(tensors, Map.of());
  }

  public List<Tensor> tensors() {
    return List.copyOf(tensors.values());
  }

  @Override
  public List<String> names() {
    return List.copyOf(tensors.keySet());
  }

  public Optional<Tensor> tensor(String name) {
    return Optional.ofNullable(tensors.get(name));
  }

  @Override
  public Optional<int[]> shape(String name) {
    return tensor(name).map(t -> t.shape().clone());
  }

  @Override
  public Tensor read(String name) {
    return tensor(name).orElseThrow(() -> new IllegalArgumentException("no tensor '" + name + "'"));
  }

  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  public Optional<String> metadata(String key) {
    return Optional.ofNullable(metadata.get(key));
  }

  /** Total number of scalar parameters. */
  public long parameterCount() {
    long n = 0;
    for (Tensor t : tensors.values()) {
      n += t.size();
    }
    return n;
  }

  /** Same tensors with {@code key=value} added to (or replaced in) the metadata. */
  public ParameterSet withMetadata(String key, String value) {
    var m = new LinkedHashMap<>(metadata);
    m.put(key, value);
    return new ParameterSet(new ArrayList<>(tensors.values()), m);
  }

  /** Same tensors with exactly the given metadata. */
  public ParameterSet withMetadata(Map<String, String> newMetadata) {
    return new ParameterSet(new ArrayList<>(tensors.values()), newMetadata);
  }

  /**
   * Describes the first way {@code other} differs from this set in tensor names or shapes, or
   * returns empty when both have the same layout.
   */
  public Optional<String> layoutMismatch(TensorSource other) {
    for (Tensor t : tensors.values()) {
      Optional<int[]> shape = other.shape(t.name());
      if (shape.isEmpty()) {
        return Optional.of("tensor '" + t.name() + "' is missing");
      }
      if (!java.util.Arrays.equals(t.shape(), shape.get())) {
        return Optional.of(
            "tensor '%s' has shape %s, expected %s"
                .formatted(
                    t.name(), java.util.Arrays.toString(shape.get()),
                    java.util.Arrays.toString(t.shape())));
      }
    }
    for (String name : other.names()) {
      if (!tensors.containsKey(name)) {
        return Optional.of("unexpected tensor '" + name + "'");
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParameterSet p && tensors.equals(p.tensors) && metadata.equals(p.metadata);
  }

  @Override
  public int hashCode() {
    return tensors.hashCode() * 31 + metadata.hashCode();
  }

  @Override
  public String toString() {
    return "ParameterSet[" + tensors.size() + " tensors, " + parameterCount() + " parameters]";
  }
}
