package dev.shoal.data;

/**
 * Labelled greyscale images, as MNIST stores them: one byte per pixel (0..255), row-major,
 * and one label byte per image.
 */
public record ImageDataset(byte[] pixels, byte[] labels, int rows, int cols) {

  public ImageDataset {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("image dimensions must be positive: " + rows + "x" + cols);
    }
    if ((long) labels.length * rows * cols != pixels.length) {
      throw new IllegalArgumentException(
          "%d labels need %d pixel bytes for %dx%d images, got %d"
              .formatted(labels.length, (long) labels.length * rows * cols, rows, cols, pixels.length));
    }
  }

  public int size() {
    return labels.length;
  }

  public int imageSize() {
    return rows * cols;
  }

  public int label(int i) {
    return labels[i] & 0xff;
  }

  /** Writes image {@code i} into {@code out} from {@code offset}, scaled to [0, 1]. */
  public void copyImage(int i, float[] out, int offset) {
    int n = imageSize();
    int base = i * n;
    for (int k = 0; k < n; k++) {
      out[offset + k] = (pixels[base + k] & 0xff) / 255f;
    }
  }

  /** The images at {@code indices}, in that order. */
  public ImageDataset subset(int[] indices) {
    int n = imageSize();
    byte[] px = new byte[indices.length * n];
    byte[] lb = new byte[indices.length];
    for (int j = 0; j < indices.length; j++) {
      System.arraycopy(pixels, indices[j] * n, px, j * n, n);
      lb[j] = labels[indices[j]];
    }
    return new ImageDataset(px, lb, rows, cols);
  }
}
