package dev.shoal.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import dev.shoal.data.Schema;

/**
 * The built-in architectures. Each adapts to the data's {@link Schema}: its input shape and its
 * outputs (one per class, or one for binary and regression tasks); for 28x28 greyscale images and
 * 10 classes they are exactly the MNIST models of McMahan et al., "Communication-Efficient
 * Learning of Deep Networks from Decentralized Data" (2017): the "2NN" and the "CNN".
 */
final class ZooModels {

  /** One greyscale 28x28 image: channels, rows, columns. */
  static final Shape MNIST_INPUT = new Shape(1, 28, 28);

  static final int CLASSES = 10;

  private ZooModels() {}

  /** Multinomial logistic regression: 784 -> 10 (7,850 parameters). */
  static ModelSpec logreg() {
    return logreg(MNIST_INPUT, CLASSES);
  }

  /** Logistic (or linear, for regression) regression from the schema's input to its outputs. */
  static ModelSpec logreg(Schema schema) {
    return logreg(shape(schema), schema.outputs());
  }

  private static ModelSpec logreg(Shape input, int outputs) {
    return ModelSpec.of(() -> logregBlock(outputs), input).withParameterNames("fc.weight", "fc.bias");
  }

  /** The 2NN: 784 -> 200 -> 200 -> 10 with ReLU (199,210 parameters). */
  static ModelSpec mlp() {
    return mlp(MNIST_INPUT, CLASSES);
  }

  /** The 2NN's layers from the schema's input to its outputs: input -> 200 -> 200 -> outputs. */
  static ModelSpec mlp(Schema schema) {
    return mlp(shape(schema), schema.outputs());
  }

  private static ModelSpec mlp(Shape input, int outputs) {
    return ModelSpec.of(() -> mlpBlock(outputs), input)
        .withParameterNames(
            "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias");
  }

  /**
   * The CNN: two 5x5 convolutions (32 and 64 channels, "same" padding) each followed by ReLU and
   * 2x2 max pooling, a 512-unit ReLU layer and a 10-way output (1,663,370 parameters).
   */
  static ModelSpec cnn() {
    return cnn(MNIST_INPUT, CLASSES);
  }

  /**
   * The CNN for the schema's images ({@code [channels, height, width]}, at least 4x4) and outputs.
   *
   * @throws IncompatibleDataException if the examples are not images
   */
  static ModelSpec cnn(Schema schema) {
    int[] s = schema.shape();
    if (s.length != 3 || s[1] < 4 || s[2] < 4) {
      throw new IncompatibleDataException(
          "model 'cnn' takes images of shape [channels, height, width], at least 4x4; the data's examples have shape %s; use mlp or logreg"
              .formatted(schema.inputShape()));
    }
    return cnn(shape(schema), schema.outputs());
  }

  private static ModelSpec cnn(Shape input, int outputs) {
    return ModelSpec.of(() -> cnnBlock(outputs), input)
        .withParameterNames(
            "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
            "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
  }

  private static Shape shape(Schema schema) {
    return new Shape(java.util.Arrays.stream(schema.shape()).asLongStream().toArray());
  }

  private static Block logregBlock(int outputs) {
    return new SequentialBlock().add(Blocks.batchFlattenBlock()).add(linear(outputs));
  }

  private static Block mlpBlock(int outputs) {
    return new SequentialBlock()
        .add(Blocks.batchFlattenBlock())
        .add(linear(200))
        .add(Activation.reluBlock())
        .add(linear(200))
        .add(Activation.reluBlock())
        .add(linear(outputs));
  }

  private static Block cnnBlock(int outputs) {
    return new SequentialBlock()
        .add(conv5x5(32))
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(conv5x5(64))
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(linear(512))
        .add(Activation.reluBlock())
        .add(linear(outputs));
  }

  private static Block linear(int units) {
    return Linear.builder().setUnits(units).build();
  }

  private static Block conv5x5(int filters) {
    return Conv2d.builder()
        .setKernelShape(new Shape(5, 5))
        .optPadding(new Shape(2, 2))
        .setFilters(filters)
        .build();
  }
}
