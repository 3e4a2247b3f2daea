package dev.shoal.data;

import dev.shoal.io.AtomicFile;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Writes MNIST files in the IDX format that {@link IdxReader} reads. A file whose name ends in
 * {@code .gz} is gzipped, any other is written raw. Each file is written atomically: readers
 * see the old file or the complete new one, never a part.
 */
public final class IdxWriter {

  private IdxWriter() {}

  /** Writes the images of {@code data} as an IDX images file. */
  public static void writeImages(Path file, ImageDataset data) throws IOException {
    requireNonEmpty(data.size(), file);
    AtomicFile.write(
        file,
        out ->
            encode(
                out,
                isGzipName(file),
                idx -> {
                  idx.writeInt(IdxReader.IMAGES_MAGIC);
                  idx.writeInt(data.size());
                  idx.writeInt(data.rows());
                  idx.writeInt(data.cols());
                  idx.write(data.pixels());
                }));
  }

  /** Writes {@code labels} (each 0..9) as an IDX labels file. */
  public static void writeLabels(Path file, byte[] labels) throws IOException {
    requireNonEmpty(labels.length, file);
    for (int i = 0; i < labels.length; i++) {
      if ((labels[i] & 0xff) >= IdxReader.CLASSES) {
        throw new IllegalArgumentException(
            "cannot write %s: label %d at index %d is outside 0..%d"
                .formatted(file, labels[i] & 0xff, i, IdxReader.CLASSES - 1));
      }
    }
    AtomicFile.write(
        file,
        out ->
            encode(
                out,
                isGzipName(file),
                idx -> {
                  idx.writeInt(IdxReader.LABELS_MAGIC);
                  idx.writeInt(labels.length);
                  idx.write(labels);
                }));
  }

  /** Writes {@code data} as an images file and a labels file, each atomically. */
  public static void writeDataset(ImageDataset data, Path images, Path labels)
      throws IOException {
    writeImages(images, data);
    writeLabels(labels, data.labels());
  }

  /** Whether {@code file} is written gzipped: its name ends in {@code .gz}, in any case. */
  public static boolean isGzipName(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".gz");
  }

  @FunctionalInterface
  private interface Body {
    void write(DataOutputStream idx) throws IOException;
  }

  private static void encode(OutputStream out, boolean gzip, Body body) throws IOException {
    if (gzip) {
      GZIPOutputStream zipped = new GZIPOutputStream(out, 1 << 16);
      body.write(new DataOutputStream(zipped));
      zipped.finish();
    } else {
      DataOutputStream idx = new DataOutputStream(out);
      body.write(idx);
      idx.flush();
    }
  }

  private static void requireNonEmpty(int count, Path file) {
    if (count == 0) {
      throw new IllegalArgumentException(
          "cannot write %s: IDX files need at least one example".formatted(file));
    }
  }
}
