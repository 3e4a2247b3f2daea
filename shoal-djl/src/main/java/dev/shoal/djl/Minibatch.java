package dev.shoal.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.shoal.data.ImageDataset;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * A reusable host-side buffer for one batch of images and labels, turned into engine arrays on
 * demand.
 */
final class Minibatch {

  private final ModelSpec spec;
  private final int imageSize;
  private final float[] pixels;
  private final long[] labels;
  private int count;

  Minibatch(ModelSpec spec, int imageSize, int capacity) {
    this.spec = spec;
    this.imageSize = imageSize;
    this.pixels = new float[Math.multiplyExact(capacity, imageSize)];
    this.labels = new long[capacity];
  }

  /** Fills the buffer with the examples {@code order[from .. from + n)}. */
  void fill(ImageDataset data, int[] order, int from, int n) {
    for (int j = 0; j < n; j++) {
      int i = order[from + j];
      data.copyImage(i, pixels, j * imageSize);
      labels[j] = data.label(i);
    }
    count = n;
  }

  int size() {
    return count;
  }

  /** The images as a {@code (n, inputShape...)} float array owned by {@code manager}. */
  NDArray inputs(NDManager manager) {
    return manager.create(FloatBuffer.wrap(pixels, 0, count * imageSize), spec.batchShape(count), DataType.FLOAT32);
  }

  /** The labels as an {@code (n)} int64 array owned by {@code manager}. */
  NDArray labels(NDManager manager) {
    return manager.create(LongBuffer.wrap(labels, 0, count), new Shape(count), DataType.INT64);
  }
}
