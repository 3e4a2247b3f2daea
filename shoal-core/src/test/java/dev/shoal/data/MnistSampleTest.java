package dev.shoal.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistSampleTest {

  private final FederatedData sample = MnistSample.load();

  @Test
  void has8000TrainAnd2000TestDigitsOf28By28() {
    assertThat(sample.train().size()).isEqualTo(MnistSample.TRAIN_SIZE).isEqualTo(8000);
    assertThat(sample.test().size()).isEqualTo(MnistSample.TEST_SIZE).isEqualTo(2000);
    for (Dataset split : new Dataset[] {sample.train(), sample.test()}) {
      assertThat(split.schema().inputShape()).containsExactly(1, 28, 28);
      assertThat(split.inputSize()).isEqualTo(784);
      assertThat(split.schema().classes()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    }
  }

  @Test
  void everyDigitAppearsInBothSplits() {
    for (Dataset split : new Dataset[] {sample.train(), sample.test()}) {
      int[] present =
          IntStream.range(0, split.size()).map(split::label).distinct().sorted().toArray();
      assertThat(present).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }
  }

  @Test
  void imagesHaveInk() {
    Dataset train = sample.train();
    float[] image = new float[train.inputSize()];
    for (int i = 0; i < train.size(); i += 97) {
      train.copyFeatures(i, image, 0);
      double ink = 0;
      for (float v : image) {
        ink += v;
      }
      assertThat(ink).as("ink of train image %d", i).isGreaterThan(10);
    }
  }

  @Test
  void callersCannotChangeTheSample() {
    FederatedData other = MnistSample.load();
    other.train().features()[0] = 42;
    other.test().targets()[0] = 9;

    assertThat(MnistSample.load().train().feature(0, 0)).isEqualTo(sample.train().feature(0, 0)).isBetween(0f, 1f);
    assertThat(MnistSample.load().test().target(0)).isEqualTo(sample.test().target(0));
  }

  /** The content hashes in the sample's README: what the script wrote, byte for byte. */
  @Test
  void matchesTheDocumentedChecksums(@TempDir Path dir) throws Exception {
    MnistDirectory.save(sample, dir, false);

    assertThat(sha256(dir.resolve("train-images-idx3-ubyte")))
        .isEqualTo("47df13b38a8311af2b4aac3ac7ad14db3d10753c2b52ca957f31ebe4567fddb5");
    assertThat(sha256(dir.resolve("train-labels-idx1-ubyte")))
        .isEqualTo("14acf96d009d03bad095281eca8cc3c8990203c408e95e447823efb847d10390");
    assertThat(sha256(dir.resolve("t10k-images-idx3-ubyte")))
        .isEqualTo("848872c10bc19c9d2184532e254fd8ad27611497a87121e8f47576e08acbc65e");
    assertThat(sha256(dir.resolve("t10k-labels-idx1-ubyte")))
        .isEqualTo("a9e61319c8d28dd8dbfc6c7f71f58b46d9769cfbab6b3946208537544dbc1be4");
  }

  private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
