package dev.shoal.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The 10,000 MNIST digits that ship inside shoal-core: {@value #TRAIN_SIZE} for training and
 * {@value #TEST_SIZE} for testing, 28×28 grey levels each, so that Shoal runs with no
 * download. Provenance, licence (CC BY-SA 3.0) and checksums are in the {@code README.md} next
 * to the files ({@code dev/shoal/data/mnist-sample/} on the classpath).
 */
public final class MnistSample {

  public static final int TRAIN_SIZE = 8000;
  public static final int TEST_SIZE = 2000;

  /** Classpath folder of the sample's four gzipped IDX files. */
  public static final String RESOURCE_DIR = "/dev/shoal/data/mnist-sample/";

  /** Greyscale 28×28 digits, ten classes. */
  public static final Schema SCHEMA = Schema.indexed(Task.CLASSIFICATION, new int[] {1, 28, 28}, 10);

  private static FederatedData cached;

  private MnistSample() {}

  /**
   * The sample's train and test splits. The files are decoded once per JVM; datasets are
   * immutable, so every call returns the same ones.
   *
   * @throws UncheckedIOException if the files are missing from the classpath or unreadable,
   *     which means the shoal-core jar is damaged
   */
  public static FederatedData load() {
    return decoded();
  }

  private static synchronized FederatedData decoded() {
    if (cached == null) {
      cached =
          new FederatedData(
              read(MnistDirectory.TRAIN_IMAGES, MnistDirectory.TRAIN_LABELS),
              read(MnistDirectory.TEST_IMAGES, MnistDirectory.TEST_LABELS));
    }
    return cached;
  }

  private static Dataset read(String images, String labels) {
    String imagesName = RESOURCE_DIR + images + ".gz";
    String labelsName = RESOURCE_DIR + labels + ".gz";
    try (InputStream imagesIn = open(imagesName);
        InputStream labelsIn = open(labelsName)) {
      return IdxReader.readDataset(imagesIn, imagesName, labelsIn, labelsName, SCHEMA);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the MNIST sample shipped in shoal-core: " + e.getMessage(), e);
    }
  }

  private static InputStream open(String resource) throws IOException {
    InputStream in = MnistSample.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IOException(
          "classpath resource " + resource + " is missing; the shoal-core jar is incomplete");
    }
    return in;
  }
}
