package dev.shoal.tensor;

import java.util.Arrays;

/**
 * A named float32 tensor: a shape and its values in row-major order.
 *
 * <p>The array is owned by the tensor once constructed; callers that need to mutate values
 * must {@link #copy()} first.
 */
public record Tensor(String name, int[] shape, float[] data) {

  public Tensor {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("tensor name must not be empty");
    }
    long expected = elementCount(shape);
    if (expected != data.length) {
      throw new IllegalArgumentException(
          "tensor '%s' has shape %s (%d values) but %d values were given"
              .formatted(name, Arrays.toString(shape), expected, data.length));
    }
  }

  /** Product of the dimensions; 1 for a scalar (empty shape). */
  public static long elementCount(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  public int size() {
    return data.length;
  }

  public boolean sameShape(Tensor other) {
    return Arrays.equals(shape, other.shape);
  }

  public Tensor copy() {
    return new Tensor(name, shape.clone(), data.clone());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t
        && name.equals(t.name)
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor[" + name + " " + Arrays.toString(shape) + "]";
  }
}
