package dev.shoal.data;

/**
 * The content of an IDX examples file: {@code count} examples of {@code shape}, their values in
 * order (unsigned bytes scaled to [0, 1], other types as they are).
 *
 * @param type the file's IDX type byte
 */
public record IdxImages(int count, int[] shape, int type, float[] values) {

  public IdxImages {
    long size = 1;
    for (int d : shape) {
      size *= d;
    }
    if (count <= 0 || size <= 0 || (long) count * size != values.length) {
      throw new IllegalArgumentException(
          "%d examples of %d values need %d values, got %d".formatted(count, size, count * size, values.length));
    }
  }
}
