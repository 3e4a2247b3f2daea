package dev.shoal.djl;

import dev.shoal.data.ImageDataset;
import java.util.Random;

/** A small learnable image set: class k is a bright horizontal band at rows 2k..2k+3, plus noise. */
final class Stripes {

  private Stripes() {}

  static ImageDataset of(int n, long seed) {
    Random rnd = new Random(seed);
    byte[] pixels = new byte[n * 28 * 28];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      int label = i % 10;
      labels[i] = (byte) label;
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
          boolean band = r >= 2 * label + 4 && r < 2 * label + 8;
          int v = (band ? 160 : 0) + rnd.nextInt(96);
          pixels[i * 784 + r * 28 + c] = (byte) v;
        }
      }
    }
    return new ImageDataset(pixels, labels, 28, 28);
  }
}
