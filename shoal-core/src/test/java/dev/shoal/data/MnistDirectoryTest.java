package dev.shoal.data;

import static dev.shoal.data.IdxWriterTest.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistDirectoryTest {

  @TempDir Path dir;

  private final FederatedData data =
      new FederatedData(IdxBytes.dataset(40, 1), IdxBytes.dataset(10, 2));

  @Test
  void roundTripsGzipped() throws IOException {
    MnistDirectory.save(data, dir);

    assertThat(dir.resolve("train-images-idx3-ubyte.gz")).isRegularFile();
    assertThat(dir.resolve("t10k-labels-idx1-ubyte.gz")).isRegularFile();
    assertSame(MnistDirectory.load(dir));
  }

  @Test
  void roundTripsRawAndReplacesTheGzippedForm() throws IOException {
    MnistDirectory.save(data, dir, true);

    MnistDirectory.save(data, dir, false);

    assertThat(dir.resolve("train-images-idx3-ubyte")).isRegularFile();
    assertThat(dir.resolve("train-images-idx3-ubyte.gz")).doesNotExist();
    assertSame(MnistDirectory.load(dir));
  }

  @Test
  void readsAMixOfRawAndGzippedFiles() throws IOException {
    MnistDirectory.save(data, dir, false);
    Path raw = dir.resolve(MnistDirectory.TEST_IMAGES);
    Files.write(
        dir.resolve(MnistDirectory.TEST_IMAGES + ".gz"), IdxBytes.gzip(Files.readAllBytes(raw)));
    Files.delete(raw);

    assertSame(MnistDirectory.load(dir));
  }

  @Test
  void missingFilesAreNamedWithTheDirectoryAndWhatItNeeds() throws IOException {
    MnistDirectory.save(data, dir);
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));

    assertThatThrownBy(() -> MnistDirectory.load(dir))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessage(
            dir + ": MNIST directory lacks t10k-labels-idx1-ubyte[.gz]; it should hold"
                + " train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,"
                + " t10k-labels-idx1-ubyte (each raw or gzipped with a .gz suffix)");
  }

  @Test
  void missingDirectoryIsNamed() {
    Path absent = dir.resolve("mnist");

    assertThatThrownBy(() -> MnistDirectory.load(absent))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageStartingWith(absent + ": no such MNIST directory; it should hold")
        .hasMessageContaining("train-images-idx3-ubyte");
  }

  @Test
  void refusesToGuessBetweenRawAndGzippedCopies() throws IOException {
    MnistDirectory.save(data, dir);
    Files.write(
        dir.resolve("train-labels-idx1-ubyte"), IdxBytes.labels(new byte[] {0, 0, 0, 0, 0, 0, 0, 8}));

    assertThatThrownBy(() -> MnistDirectory.load(dir))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining(
            "both train-labels-idx1-ubyte and train-labels-idx1-ubyte.gz exist in " + dir
                + "; delete one");
  }

  @Test
  void malformedFileIsNamed() throws IOException {
    MnistDirectory.save(data, dir);
    Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
    Files.write(labels, IdxBytes.labels(new byte[] {1, 2}));

    assertThatThrownBy(() -> MnistDirectory.load(dir))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageStartingWith(labels + ": holds 2 labels but ")
        .hasMessageContaining("train-images-idx3-ubyte.gz holds 40 examples");
  }

  private void assertSame(FederatedData loaded) {
    assertSameData(loaded.train(), data.train());
    assertSameData(loaded.test(), data.test());
  }
}
