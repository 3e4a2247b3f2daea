package dev.shoal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

  @TempDir Path dir;

  private final byte[] pixels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 255};
  private final byte[] labels = {7, 3};

  @Test
  void readsRawImagesAndLabels() throws IOException {
    Path images = write("train-images-idx3-ubyte", IdxBytes.images(2, 2, 3, pixels));
    Path labelFile = write("train-labels-idx1-ubyte", IdxBytes.labels(labels));

    Dataset data = IdxReader.readDataset(images, labelFile, null);

    assertThat(data.size()).isEqualTo(2);
    assertThat(data.schema().inputShape()).containsExactly(1, 2, 3);
    assertThat(data.features()).containsExactly(IdxBytes.grey(pixels));
    assertThat(data.label(0)).isEqualTo(7);
    assertThat(data.label(1)).isEqualTo(3);
  }

  @Test
  void detectsGzipByContentNotByName() throws IOException {
    Path gzNamedRaw = write("images.gz", IdxBytes.images(2, 2, 3, pixels));
    Path rawNamedGz = write("images", IdxBytes.gzip(IdxBytes.images(2, 2, 3, pixels)));

    assertThat(IdxReader.readImages(gzNamedRaw).values()).containsExactly(IdxBytes.grey(pixels));
    assertThat(IdxReader.readImages(rawNamedGz).values()).containsExactly(IdxBytes.grey(pixels));
  }

  @Test
  void rejectsLabelsFileGivenAsImages() throws IOException {
    Path file = write("train-images-idx3-ubyte.gz", IdxBytes.gzip(IdxBytes.labels(labels)));

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .isInstanceOf(IdxFormatException.class)
        .hasMessage(file + ": expected magic 0x00000803 (images, or any IDX type with 2 or more dimensions), found 0x00000801 (labels)");
  }

  @Test
  void rejectsImagesFileGivenAsLabels() throws IOException {
    Path file = write("t10k-labels-idx1-ubyte", IdxBytes.images(2, 2, 3, pixels));

    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .isInstanceOf(IdxFormatException.class)
        .hasMessage(file + ": expected magic 0x00000801 (labels, or any integer IDX type with 1 dimension), found 0x00000803 (images)");
  }

  @Test
  void rejectsUnknownMagic() throws IOException {
    Path file = write("digit.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0});

    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .hasMessageStartingWith(file + ": expected magic 0x00000801 (labels")
        .hasMessageContaining("found 0x89504e47, which is not the magic number of an IDX file");
  }

  @Test
  void rejectsEmptyAndShortFiles() throws IOException {
    Path empty = write("empty", new byte[0]);
    Path shortFile = write("short", new byte[] {0, 0});

    assertThatThrownBy(() -> IdxReader.readImages(empty))
        .isInstanceOf(IdxFormatException.class)
        .hasMessage(empty + ": is empty, expected an IDX images file");
    assertThatThrownBy(() -> IdxReader.readImages(shortFile))
        .isInstanceOf(IdxFormatException.class)
        .hasMessage(shortFile + ": is only 2 bytes long, too short for an IDX header");
  }

  @Test
  void rejectsTruncatedHeader() throws IOException {
    Path file = write("images", Arrays.copyOf(IdxBytes.images(2, 2, 3, pixels), 10));

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .isInstanceOf(IdxFormatException.class)
        .hasMessage(
            file + ": truncated header: an IDX images file needs 16 header bytes, found 10");
  }

  @Test
  void rejectsNonPositiveDimensions() throws IOException {
    Path zeroRows = write("zero-rows", IdxBytes.images(2, 0, 3, new byte[0]));
    Path negative =
        write("negative", IdxBytes.idx(IdxReader.LABELS_MAGIC, new int[] {-1}, labels));

    assertThatThrownBy(() -> IdxReader.readImages(zeroRows))
        .isInstanceOf(IdxFormatException.class)
        .hasMessage(zeroRows + ": rows is 0 in the header; it must be positive");
    assertThatThrownBy(() -> IdxReader.readLabels(negative))
        .isInstanceOf(IdxFormatException.class)
        .hasMessage(negative + ": label count is 4294967295 in the header; it must be positive");
  }

  @Test
  void rejectsTruncatedData() throws IOException {
    byte[] whole = IdxBytes.images(2, 2, 3, pixels);
    Path file = write("train-images-idx3-ubyte", Arrays.copyOf(whole, whole.length - 2));

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .isInstanceOf(IdxFormatException.class)
        .hasMessage(
            file + ": truncated: the header declares 2 examples of 2x3 (12 pixel bytes) but only 10"
                + " follow");
  }

  @Test
  void rejectsTruncatedGzipStream() throws IOException {
    byte[] gz = IdxBytes.gzip(IdxBytes.images(2, 2, 3, pixels));
    Path file = write("train-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length - 12));

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageStartingWith(file + ": ")
        .hasMessageContaining("gzip data is corrupt or truncated");
  }

  @Test
  void rejectsTrailingBytesInRawAndGzippedFiles() throws IOException {
    byte[] longer = Arrays.copyOf(IdxBytes.labels(labels), 8 + labels.length + 3);
    Path raw = write("train-labels-idx1-ubyte", longer);
    Path gz = write("train-labels-idx1-ubyte.gz", IdxBytes.gzip(longer));

    for (Path file : new Path[] {raw, gz}) {
      assertThatThrownBy(() -> IdxReader.readLabels(file))
          .isInstanceOf(IdxFormatException.class)
          .hasMessage(file + ": has 3 trailing bytes after the 2 labels its header declares");
    }
  }

  @Test
  void readsLabelsBeyondDigitsAsMoreClasses() throws IOException {
    Path images = write("images", IdxBytes.images(2, 2, 3, pixels));
    Path file = write("train-labels-idx1-ubyte", IdxBytes.labels(new byte[] {1, 12}));

    Dataset data = IdxReader.readDataset(images, file, null);

    assertThat(data.schema().classCount()).isEqualTo(13);
    assertThat(data.label(1)).isEqualTo(12);
  }

  @Test
  void rejectsLabelOutsideTheDeclaredClasses() throws IOException {
    Path images = write("images", IdxBytes.images(2, 2, 3, pixels));
    Path file = write("train-labels-idx1-ubyte", IdxBytes.labels(new byte[] {1, 10}));
    Schema digits = Schema.indexed(Task.CLASSIFICATION, new int[] {1, 2, 3}, 10);

    assertThatThrownBy(() -> IdxReader.readDataset(images, file, digits))
        .isInstanceOf(IdxFormatException.class)
        .hasMessage(file + ": label 10 at index 1 is outside 0..9, the declared classes");
  }

  @Test
  void readsEveryIdxTypeAndAnyExampleShape() throws IOException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 12 + 2 * 3 * 8);
    b.putInt(0x00000E03).putInt(2).putInt(3).putInt(1);
    for (int i = 0; i < 6; i++) {
      b.putDouble(i - 2.5);
    }
    Path doubles = write("doubles", b.array());
    java.nio.ByteBuffer s = java.nio.ByteBuffer.allocate(4 + 4 + 2 * 2);
    s.putInt(0x00000B01).putInt(2).putShort((short) 300).putShort((short) 4);
    Path shorts = write("shorts", s.array());

    Dataset data = IdxReader.readDataset(doubles, shorts, null);

    assertThat(data.schema().inputShape()).containsExactly(1, 3, 1);
    assertThat(data.features()).containsExactly(-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f);
    assertThat(data.label(0)).isEqualTo(300);
    assertThat(data.schema().classCount()).isEqualTo(301);
  }

  @Test
  void rejectsImagesAndLabelsOfDifferentCounts() throws IOException {
    Path images = write("t10k-images-idx3-ubyte", IdxBytes.images(2, 2, 3, pixels));
    Path labelFile = write("t10k-labels-idx1-ubyte", IdxBytes.labels(new byte[] {1, 2, 3}));

    assertThatThrownBy(() -> IdxReader.readDataset(images, labelFile, null))
        .isInstanceOf(IdxFormatException.class)
        .hasMessage(
            labelFile + ": holds 3 labels but " + images
                + " holds 2 examples; each example needs exactly one label")
        .extracting(e -> ((IdxFormatException) e).file())
        .isEqualTo(labelFile.toString());
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }
}
