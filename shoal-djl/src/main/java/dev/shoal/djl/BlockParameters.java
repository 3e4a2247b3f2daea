package dev.shoal.djl;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Copies values between a {@link ParameterSet} and an initialised DJL block. */
final class BlockParameters {

  private BlockParameters() {}

  /** Writes {@code values} into the block; {@code values} must have passed the layout's check. */
  static void load(ParameterLayout layout, Block block, ParameterSet values) {
    List<Parameter> parameters = parameters(layout, block);
    for (int i = 0; i < parameters.size(); i++) {
      ParameterLayout.Slot slot = layout.slots().get(i);
      Tensor tensor = values.tensor(slot.name()).orElseThrow();
      parameters.get(i).getArray().set(FloatBuffer.wrap(tensor.data()));
    }
  }

  /** Freezes every parameter of the block whose name is not in {@code trainable}: no gradient, no step. */
  static void freezeAllBut(ParameterLayout layout, Block block, java.util.Set<String> trainable) {
    List<Parameter> parameters = parameters(layout, block);
    for (int i = 0; i < parameters.size(); i++) {
      if (!trainable.contains(layout.slots().get(i).name())) {
        parameters.get(i).freeze(true);
      }
    }
  }

  /** Reads the block's current values, named and ordered as in the layout. */
  static ParameterSet read(ParameterLayout layout, Block block, Map<String, String> metadata) {
    List<Parameter> parameters = parameters(layout, block);
    var tensors = new ArrayList<Tensor>(parameters.size());
    for (int i = 0; i < parameters.size(); i++) {
      ParameterLayout.Slot slot = layout.slots().get(i);
      tensors.add(new Tensor(slot.name(), slot.shape().clone(), parameters.get(i).getArray().toFloatArray()));
    }
    return new ParameterSet(tensors, metadata);
  }

  private static List<Parameter> parameters(ParameterLayout layout, Block block) {
    List<Parameter> parameters = block.getParameters().values();
    if (parameters.size() != layout.slots().size()) {
      throw new IllegalStateException(
          "model '%s' built a block with %d parameters, its layout has %d; the block factory must build the same block every time"
              .formatted(layout.model(), parameters.size(), layout.slots().size()));
    }
    for (int i = 0; i < parameters.size(); i++) {
      long[] actual = parameters.get(i).getShape().getShape();
      int[] expected = layout.slots().get(i).shape();
      if (!Arrays.equals(Arrays.stream(expected).asLongStream().toArray(), actual)) {
        throw new IllegalStateException(
            "model '%s' built parameter '%s' with shape %s, its layout says %s; the block factory must build the same block every time"
                .formatted(layout.model(), layout.slots().get(i).name(), Arrays.toString(actual), Arrays.toString(expected)));
      }
    }
    return parameters;
  }
}
