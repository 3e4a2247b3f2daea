package dev.shoal.data;

/**
 * The content of an IDX images file ({@code idx3-ubyte}): {@code count} images of {@code rows}
 * × {@code cols} grey levels, one byte each, row-major, one image after another.
 */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {

  public IdxImages {
    if (count <= 0 || rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(
          "IDX images need positive dimensions, got %d images of %dx%d"
              .formatted(count, rows, cols));
    }
    if ((long) count * rows * cols != pixels.length) {
      throw new IllegalArgumentException(
          "%d images of %dx%d need %d pixel bytes, got %d"
              .formatted(count, rows, cols, (long) count * rows * cols, pixels.length));
    }
  }

  /** These images with their labels, which must be as many as the images. */
  public ImageDataset withLabels(byte[] labels) {
    return new ImageDataset(pixels, labels, rows, cols);
  }
}
