package dev.shoal.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The parameters of one model, in the order of {@link Block#getParameters()}: the tensor name
 * each has in a {@link ParameterSet}, its shape, its DJL type and the fan-in used to initialise
 * it.
 *
 * @param model the model's name, for messages
 * @param slots one entry per parameter
 */
public record ParameterLayout(String model, List<Slot> slots) {

  /**
   * One parameter.
   *
   * @param name tensor name in a {@link ParameterSet}
   * @param shape dimensions, PyTorch layout (a linear weight is {@code [out, in]}, a convolution
   *     weight {@code [out, in, kh, kw]})
   * @param type what DJL says the parameter is (weight, bias, ...)
   * @param fanIn inputs feeding one output unit of the block the parameter belongs to
   */
  public record Slot(String name, int[] shape, Parameter.Type type, int fanIn) {

    /** Number of values. */
    public int size() {
      return Math.toIntExact(Tensor.elementCount(shape));
    }
  }

  public ParameterLayout {
    slots = List.copyOf(slots);
  }

  /**
   * Builds a block of {@code spec}, initialises it for one example and reads its parameters.
   *
   * @throws IllegalArgumentException if the spec's explicit names do not match the block
   */
  public static ParameterLayout of(String model, ModelSpec spec) {
    Block block = spec.newBlock();
    try (NDManager manager = DjlEngine.get().newBaseManager(Device.cpu())) {
      block.initialize(manager, DataType.FLOAT32, spec.batchShape(1));
      var found = new ArrayList<Found>();
      walk(block, "", found);
      List<Parameter> ordered = block.getParameters().values();
      if (ordered.size() != found.size()
          || !ordered.equals(found.stream().map(Found::parameter).toList())) {
        throw new IllegalArgumentException(
            "model '%s': cannot derive tensor names from its block; give explicit names with ModelSpec.withParameterNames(%s)"
                .formatted(model, block.getParameters().keys()));
      }
      List<String> names = spec.parameterNames().isEmpty()
          ? found.stream().map(Found::name).toList()
          : spec.parameterNames();
      if (names.size() != found.size()) {
        throw new IllegalArgumentException(
            "model '%s' lists %d parameter names %s but its block has %d parameters %s"
                .formatted(model, names.size(), names, found.size(), block.getParameters().keys()));
      }
      var seen = new HashSet<String>();
      var slots = new ArrayList<Slot>();
      for (int i = 0; i < found.size(); i++) {
        String name = names.get(i);
        if (!seen.add(name)) {
          throw new IllegalArgumentException(
              "model '%s' names two parameters '%s'; tensor names must be unique".formatted(model, name));
        }
        Found f = found.get(i);
        slots.add(new Slot(name, toInts(f.parameter().getShape().getShape()), f.parameter().getType(), f.fanIn()));
      }
      return new ParameterLayout(model, slots);
    }
  }

  /** Tensor names in order. */
  public List<String> names() {
    return slots.stream().map(Slot::name).toList();
  }

  /** Total number of scalar parameters. */
  public long parameterCount() {
    return slots.stream().mapToLong(Slot::size).sum();
  }

  /**
   * Checks that {@code parameters} holds exactly this layout's tensors with these shapes (in any
   * order).
   *
   * @throws IncompatibleParametersException naming the first offending tensor
   */
  public void check(ParameterSet parameters) {
    Objects.requireNonNull(parameters, "parameters");
    for (Slot slot : slots) {
      Tensor t = parameters.tensor(slot.name()).orElseThrow(() -> new IncompatibleParametersException(
          "tensor '%s' is missing; model '%s' expects tensors %s".formatted(slot.name(), model, names())));
      if (!Arrays.equals(t.shape(), slot.shape())) {
        throw new IncompatibleParametersException(
            "tensor '%s' has shape %s but model '%s' expects %s"
                .formatted(slot.name(), Arrays.toString(t.shape()), model, Arrays.toString(slot.shape())));
      }
    }
    if (parameters.names().size() != slots.size()) {
      var expected = new HashSet<>(names());
      String extra = parameters.names().stream().filter(n -> !expected.contains(n)).findFirst().orElseThrow();
      throw new IncompatibleParametersException(
          "tensor '%s' is not a parameter of model '%s', which expects tensors %s".formatted(extra, model, names()));
    }
  }

  private record Found(Parameter parameter, String name, int fanIn) {}

  /** Direct parameters first, then children in order: the order of Block.getParameters(). */
  private static void walk(Block block, String prefix, List<Found> out) {
    int weightFanIn = 0;
    for (Parameter p : block.getDirectParameters().values()) {
      if (p.getType() == Parameter.Type.WEIGHT) {
        weightFanIn = fanIn(p.getShape().getShape());
        break;
      }
    }
    for (Parameter p : block.getDirectParameters().values()) {
      long[] shape = p.getShape().getShape();
      int fanIn = p.getType() == Parameter.Type.BIAS && weightFanIn > 0 ? weightFanIn : fanIn(shape);
      out.add(new Found(p, ParameterNaming.join(prefix, p.getName()), fanIn));
    }
    for (Pair<String, Block> child : block.getChildren()) {
      String segment = ParameterNaming.segment(child.getKey());
      walk(child.getValue(), prefix.isEmpty() ? segment : prefix + "." + segment, out);
    }
  }

  /** PyTorch's fan-in: all dimensions but the first; a vector's fan-in is its length. */
  private static int fanIn(long[] shape) {
    if (shape.length == 0) {
      return 1;
    }
    if (shape.length == 1) {
      return Math.toIntExact(shape[0]);
    }
    long n = 1;
    for (int i = 1; i < shape.length; i++) {
      n *= shape[i];
    }
    return Math.toIntExact(n);
  }

  private static int[] toInts(long[] shape) {
    int[] out = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = Math.toIntExact(shape[i]);
    }
    return out;
  }
}
