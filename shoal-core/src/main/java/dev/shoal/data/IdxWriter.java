package dev.shoal.data;

import dev.shoal.io.AtomicFile;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Writes datasets as IDX files that {@link IdxReader} reads back to the same values. Features
 * that are all grey levels ({@code k/255}, as read from unsigned bytes) are written as unsigned
 * bytes, others as 32-bit floats; labels as unsigned bytes when below 256, else as 32-bit
 * integers. A file whose name ends in {@code .gz} is gzipped, any other is written raw. Each
 * file is written atomically: readers see the old file or the complete new one, never a part.
 */
public final class IdxWriter {

  private IdxWriter() {}

  /** Writes the features of {@code data} as an IDX examples file. */
  public static void writeImages(Path file, Dataset data) throws IOException {
    requireNonEmpty(data.size(), file);
    int[] shape = data.schema().shape();
    int[] exampleDims = shape.length == 3 && shape[0] == 1 ? new int[] {shape[1], shape[2]} : shape;
    float[] values = data.features();
    boolean grey = true;
    for (float v : values) {
      grey &= v >= 0 && v <= 1 && Math.round(v * 255) / 255f == v;
    }
    boolean bytes = grey;
    AtomicFile.write(file, out -> encode(out, isGzipName(file), idx -> {
      idx.writeInt(((bytes ? IdxReader.UBYTE : IdxReader.FLOAT) << 8) | (exampleDims.length + 1));
      idx.writeInt(data.size());
      for (int d : exampleDims) {
        idx.writeInt(d);
      }
      for (float v : values) {
        if (bytes) {
          idx.writeByte(Math.round(v * 255));
        } else {
          idx.writeFloat(v);
        }
      }
    }));
  }

  /** Writes the class indices of {@code data} as an IDX labels file. */
  public static void writeLabels(Path file, Dataset data) throws IOException {
    requireNonEmpty(data.size(), file);
    if (!data.schema().task().hasClasses()) {
      throw new IllegalArgumentException("cannot write %s: IDX labels are class indices, the data is %s"
          .formatted(file, data.schema().task()));
    }
    int n = data.size();
    boolean bytes = data.schema().classCount() <= 256;
    AtomicFile.write(file, out -> encode(out, isGzipName(file), idx -> {
      idx.writeInt(((bytes ? IdxReader.UBYTE : IdxReader.INT) << 8) | 1);
      idx.writeInt(n);
      for (int i = 0; i < n; i++) {
        if (bytes) {
          idx.writeByte(data.label(i));
        } else {
          idx.writeInt(data.label(i));
        }
      }
    }));
  }

  /** Writes {@code data} as an examples file and a labels file, each atomically. */
  public static void writeDataset(Dataset data, Path images, Path labels) throws IOException {
    writeImages(images, data);
    writeLabels(labels, data);
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
      DataOutputStream idx = new DataOutputStream(new java.io.BufferedOutputStream(zipped, 1 << 16));
      body.write(idx);
      idx.flush();
      zipped.finish();
    } else {
      DataOutputStream idx = new DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16));
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
