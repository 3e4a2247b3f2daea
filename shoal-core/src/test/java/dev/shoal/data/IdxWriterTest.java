package dev.shoal.data;

import dev.shoal.io.AtomicFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxWriterTest {

  @TempDir Path dir;

  @Test
  void roundTripsRaw() throws IOException {
    ImageDataset data = IdxBytes.dataset(25, 1);
    Path images = dir.resolve("train-images-idx3-ubyte");
    Path labels = dir.resolve("train-labels-idx1-ubyte");

    IdxWriter.writeDataset(data, images, labels);

    assertThat(Files.readAllBytes(images))
        .isEqualTo(IdxBytes.images(25, 3, 2, data.pixels()));
    assertSameData(IdxReader.readDataset(images, labels), data);
  }

  @Test
  void roundTripsGzipped() throws IOException {
    ImageDataset data = IdxBytes.dataset(25, 2);
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    Path labels = dir.resolve("train-labels-idx1-ubyte.GZ");

    IdxWriter.writeDataset(data, images, labels);

    assertThat(Files.readAllBytes(images)).startsWith((byte) 0x1f, (byte) 0x8b);
    assertThat(Files.readAllBytes(labels)).startsWith((byte) 0x1f, (byte) 0x8b);
    assertSameData(IdxReader.readDataset(images, labels), data);
  }

  @Test
  void replacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
    Path labels = dir.resolve("labels.gz");
    Files.writeString(labels, "old content");

    IdxWriter.writeLabels(labels, new byte[] {4, 2});

    assertThat(IdxReader.readLabels(labels)).containsExactly(4, 2);
    assertThat(filesIn(dir)).containsExactly("labels.gz");
  }

  @Test
  void failedWriteKeepsTheOldFileAndLeavesNoTemporaryFiles() throws IOException {
    Path file = dir.resolve("model.bin");
    Files.writeString(file, "old content");

    assertThatThrownBy(
            () ->
                AtomicFile.write(
                    file,
                    out -> {
                      out.write(new byte[100]);
                      throw new IOException("disk full");
                    }))
        .hasMessage("disk full");

    assertThat(Files.readString(file)).isEqualTo("old content");
    assertThat(filesIn(dir)).containsExactly("model.bin");
  }

  @Test
  void refusesLabelsOutsideDigitsAndEmptyData() {
    Path file = dir.resolve("labels");

    assertThatThrownBy(() -> IdxWriter.writeLabels(file, new byte[] {3, 12}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot write " + file + ": label 12 at index 1 is outside 0..9");
    assertThatThrownBy(() -> IdxWriter.writeLabels(file, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot write " + file + ": IDX files need at least one example");
    assertThat(file).doesNotExist();
  }

  static void assertSameData(ImageDataset actual, ImageDataset expected) {
    assertThat(actual.rows()).isEqualTo(expected.rows());
    assertThat(actual.cols()).isEqualTo(expected.cols());
    assertThat(actual.pixels()).isEqualTo(expected.pixels());
    assertThat(actual.labels()).isEqualTo(expected.labels());
  }

  private static Stream<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList().stream();
    }
  }
}
