package dev.shoal.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * The built-in architectures, all for 28x28 greyscale images and 10 classes. The MLP and CNN are
 * the "2NN" and "CNN" of McMahan et al., "Communication-Efficient Learning of Deep Networks from
 * Decentralized Data" (2017).
 */
final class ZooModels {

  /** One greyscale 28x28 image: channels, rows, columns. */
  static final Shape MNIST_INPUT = new Shape(1, 28, 28);

  static final int CLASSES = 10;

  private ZooModels() {}

  /** Multinomial logistic regression: 784 -> 10 (7,850 parameters). */
  static ModelSpec logreg() {
    return ModelSpec.of(ZooModels::logregBlock, MNIST_INPUT).withParameterNames("fc.weight", "fc.bias");
  }

  /** The 2NN: 784 -> 200 -> 200 -> 10 with ReLU (199,210 parameters). */
  static ModelSpec mlp() {
    return ModelSpec.of(ZooModels::mlpBlock, MNIST_INPUT)
        .withParameterNames(
            "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias");
  }

  /**
   * The CNN: two 5x5 convolutions (32 and 64 channels, "same" padding) each followed by ReLU and
   * 2x2 max pooling, a 512-unit ReLU layer and a 10-way output (1,663,370 parameters).
   */
  static ModelSpec cnn() {
    return ModelSpec.of(ZooModels::cnnBlock, MNIST_INPUT)
        .withParameterNames(
            "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
            "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
  }

  private static Block logregBlock() {
    return new SequentialBlock().add(Blocks.batchFlattenBlock()).add(linear(CLASSES));
  }

  private static Block mlpBlock() {
    return new SequentialBlock()
        .add(Blocks.batchFlattenBlock())
        .add(linear(200))
        .add(Activation.reluBlock())
        .add(linear(200))
        .add(Activation.reluBlock())
        .add(linear(CLASSES));
  }

  private static Block cnnBlock() {
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
        .add(linear(CLASSES));
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
