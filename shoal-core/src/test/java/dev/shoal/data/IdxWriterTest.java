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
    Dataset data = IdxBytes.dataset(25, 1);
    Path images = dir.resolve("train-images-idx3-ubyte");
    Path labels = dir.resolve("train-labels-idx1-ubyte");

    IdxWriter.writeDataset(data, images, labels);

    assertThat(Files.readAllBytes(images))
        .isEqualTo(IdxBytes.images(25, 3, 2, IdxBytes.pixels(25, 1)));
    assertSameData(IdxReader.readDataset(images, labels, null), data);
  }

  @Test
  void roundTripsGzipped() throws IOException {
    Dataset data = IdxBytes.dataset(25, 2);
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    Path labels = dir.resolve("train-labels-idx1-ubyte.GZ");

    IdxWriter.writeDataset(data, images, labels);

    assertThat(Files.readAllBytes(images)).startsWith((byte) 0x1f, (byte) 0x8b);
    assertThat(Files.readAllBytes(labels)).startsWith((byte) 0x1f, (byte) 0x8b);
    assertSameData(IdxReader.readDataset(images, labels, null), data);
  }

  @Test
  void replacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
    Path labels = dir.resolve("labels.gz");
    Files.writeString(labels, "old content");

    IdxWriter.writeLabels(labels, new Dataset(Schema.indexed(Task.CLASSIFICATION, new int[] {1}, 10), new float[2], new float[] {4, 2}));

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
  void writesLabelsBeyondDigitsAndFloatFeaturesAndRefusesEmptyData() throws IOException {
    Path file = dir.resolve("labels");
    Path images = dir.resolve("images");
    Dataset wide = new Dataset(Schema.indexed(Task.CLASSIFICATION, new int[] {2}, 300),
        new float[] {0.5f, -3.25f, 7f, 1e-3f}, new float[] {3, 299});

    IdxWriter.writeDataset(wide, images, file);

    Dataset back = IdxReader.readDataset(images, file, null);
    assertThat(back.features()).containsExactly(wide.features());
    assertThat(back.targets()).containsExactly(wide.targets());
    assertThat(back.schema().classCount()).isEqualTo(300);
    Files.delete(file);
    Dataset none = new Dataset(Schema.indexed(Task.CLASSIFICATION, new int[] {1}, 10), new float[0], new float[0]);
    assertThatThrownBy(() -> IdxWriter.writeLabels(file, none))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot write " + file + ": IDX files need at least one example");
    assertThat(file).doesNotExist();
  }

  static void assertSameData(Dataset actual, Dataset expected) {
    assertThat(actual.schema()).isEqualTo(expected.schema());
    assertThat(actual.features()).isEqualTo(expected.features());
    assertThat(actual.targets()).isEqualTo(expected.targets());
  }

  private static Stream<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList().stream();
    }
  }
}
