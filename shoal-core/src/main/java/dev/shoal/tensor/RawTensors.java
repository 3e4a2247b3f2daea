package dev.shoal.tensor;

import java.util.List;
import java.util.Map;

/** The tensors and metadata of a safetensors file read without decoding its values. */
public record RawTensors(List<RawTensor> tensors, Map<String, String> metadata) {

  public RawTensors {
    tensors = List.copyOf(tensors);
    metadata = Map.copyOf(metadata);
  }
}
