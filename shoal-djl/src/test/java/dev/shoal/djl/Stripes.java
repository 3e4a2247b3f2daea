package dev.shoal.djl;

import dev.shoal.data.Dataset;
import dev.shoal.data.MnistSample;
import java.util.Random;

/** A small learnable image set: class k is a bright horizontal band at rows 2k..2k+3, plus noise. */
final class Stripes {

  private Stripes() {}

  static Dataset of(int n, long seed) {
    Random rnd = new Random(seed);
    float[] pixels = new float[n * 28 * 28];
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      int label = i % 10;
      labels[i] = label;
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
          boolean band = r >= 2 * label + 4 && r < 2 * label + 8;
          int v = (band ? 160 : 0) + rnd.nextInt(96);
          pixels[i * 784 + r * 28 + c] = (v & 0xff) / 255f;
        }
      }
    }
    return new Dataset(MnistSample.SCHEMA, pixels, labels);
  }
}
