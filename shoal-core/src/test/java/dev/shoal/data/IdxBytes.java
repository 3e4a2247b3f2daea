package dev.shoal.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Builds IDX bytes and small datasets by hand for tests. */
final class IdxBytes {

  private IdxBytes() {}

  /** A header with {@code magic} and {@code dims}, followed by {@code body}. */
  static byte[] idx(int magic, int[] dims, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(body);
    return b.array();
  }

  static byte[] images(int count, int rows, int cols, byte[] pixels) {
    return idx(IdxReader.IMAGES_MAGIC, new int[] {count, rows, cols}, pixels);
  }

  static byte[] labels(byte[] labels) {
    return idx(IdxReader.LABELS_MAGIC, new int[] {labels.length}, labels);
  }

  static byte[] gzip(byte[] bytes) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(bytes);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The random pixel bytes of {@link #dataset(int, long)}. */
  static byte[] pixels(int n, long seed) {
    Random random = new Random(seed);
    byte[] pixels = new byte[n * 6];
    random.nextBytes(pixels);
    return pixels;
  }

  /** {@code n} random 3x2 images with labels 0..9. */
  static Dataset dataset(int n, long seed) {
    Random random = new Random(seed);
    byte[] pixels = new byte[n * 6];
    random.nextBytes(pixels);
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(10);
    }
    return new Dataset(Schema.indexed(Task.CLASSIFICATION, new int[] {1, 3, 2}, 10), grey(pixels), labels);
  }

  /** Pixel bytes as IdxReader reads them: scaled to [0, 1]. */
  static float[] grey(byte[] pixels) {
    float[] f = new float[pixels.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (pixels[i] & 0xff) / 255f;
    }
    return f;
  }
}
