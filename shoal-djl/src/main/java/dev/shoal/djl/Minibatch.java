package dev.shoal.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.shoal.data.Dataset;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * A reusable host-side buffer for one batch of features and targets, turned into engine arrays
 * on demand: targets as int64 class indices (for cross-entropy) or as float32 values (binary
 * labels, regression targets).
 */
final class Minibatch {

  private final Shape inputShape;
  private final int inputSize;
  private final float[] features;
  private final long[] classes;
  private final float[] values;
  private int count;

  Minibatch(Shape inputShape, int inputSize, int capacity) {
    this.inputShape = inputShape;
    this.inputSize = inputSize;
    this.features = new float[Math.multiplyExact(capacity, inputSize)];
    this.classes = new long[capacity];
    this.values = new float[capacity];
  }

  /** Fills the buffer with the examples {@code order[from .. from + n)}. */
  void fill(Dataset data, int[] order, int from, int n) {
    for (int j = 0; j < n; j++) {
      int i = order[from + j];
      data.copyFeatures(i, features, j * inputSize);
      float t = data.target(i);
      classes[j] = (long) t;
      values[j] = t;
    }
    count = n;
  }

  /** How many examples the buffer holds at most. */
  int capacity() {
    return classes.length;
  }

  int size() {
    return count;
  }

  /** The features as a {@code (n, inputShape...)} float array owned by {@code manager}. */
  NDArray inputs(NDManager manager) {
    return manager.create(FloatBuffer.wrap(features, 0, count * inputSize), new Shape(count).addAll(inputShape), DataType.FLOAT32);
  }

  /** The targets as an {@code (n)} array owned by {@code manager}: int64 class indices, or float32 values. */
  NDArray targets(NDManager manager, boolean classIndices) {
    return classIndices
        ? manager.create(LongBuffer.wrap(classes, 0, count), new Shape(count), DataType.INT64)
        : manager.create(FloatBuffer.wrap(values, 0, count), new Shape(count), DataType.FLOAT32);
  }

  /** The targets as floats: the first {@link #size} values are the current batch's. */
  float[] targetValues() {
    return values;
  }

  /** The targets of the current batch, as floats. */
  void copyTargets(float[] out, int offset) {
    System.arraycopy(values, 0, out, offset, count);
  }
}
