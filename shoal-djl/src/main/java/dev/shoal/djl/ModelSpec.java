package dev.shoal.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How to build one model architecture: a factory for fresh DJL {@link Block}s, the shape of one
 * input example (without the batch axis), and optionally the names its parameters carry in a
 * {@link dev.shoal.tensor.ParameterSet}.
 *
 * <p>The block must map a batch of shape {@code (batch, inputShape...)} to logits of shape
 * {@code (batch, classes)}; the softmax is part of the loss. The factory is called once per fit
 * or evaluation, so it must return a new, uninitialised block every time.
 *
 * <p>When {@code parameterNames} is empty, names are derived from the block's structure (see
 * {@link ParameterLayout}); otherwise it lists one name per parameter, in the order of {@link
 * Block#getParameters()}.
 */
public record ModelSpec(Supplier<Block> blockFactory, Shape inputShape, List<String> parameterNames) {

  public ModelSpec {
    Objects.requireNonNull(blockFactory, "blockFactory");
    Objects.requireNonNull(inputShape, "inputShape");
    if (inputShape.dimension() == 0 || Arrays.stream(inputShape.getShape()).anyMatch(d -> d <= 0)) {
      throw new IllegalArgumentException(
          "input shape must have at least one dimension and only positive sizes, got " + inputShape);
    }
    parameterNames = List.copyOf(parameterNames);
  }

  /** A spec whose parameter names are derived from the block's structure. */
  public static ModelSpec of(Supplier<Block> blockFactory, Shape inputShape) {
    return new ModelSpec(blockFactory, inputShape, List.of());
  }

  /** The same spec with explicit parameter names, in the order of the block's parameters. */
  public ModelSpec withParameterNames(String... names) {
    return new ModelSpec(blockFactory, inputShape, List.of(names));
  }

  /** Number of values in one input example. */
  public long inputSize() {
    return inputShape.size();
  }

  /** The shape of a batch of {@code batchSize} examples. */
  public Shape batchShape(long batchSize) {
    return new Shape(batchSize).addAll(inputShape);
  }

  /** A fresh, uninitialised block. */
  public Block newBlock() {
    Block block = blockFactory.get();
    if (block == null) {
      throw new IllegalStateException("the block factory returned null; it must build a new Block");
    }
    return block;
  }
}
