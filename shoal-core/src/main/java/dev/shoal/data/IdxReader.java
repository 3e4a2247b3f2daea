package dev.shoal.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads MNIST files in the IDX format: a big-endian header (magic number, then one 32-bit size
 * per dimension) followed by unsigned bytes. Files may be raw or gzipped; gzip is recognised by
 * its magic bytes {@code 1f 8b}, whatever the file is called.
 *
 * <p>Every check is strict: the magic number must be the expected one, every dimension
 * positive, the data exactly as long as the header says (no missing and no trailing bytes),
 * labels within 0..9, and images and labels as many as each other. A file that fails a check
 * raises an {@link IdxFormatException} naming the file and the problem.
 */
public final class IdxReader {

  /** Magic number of an images file: unsigned bytes ({@code 0x08}), three dimensions. */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** Magic number of a labels file: unsigned bytes ({@code 0x08}), one dimension. */
  public static final int LABELS_MAGIC = 0x00000801;

  /** Labels are digits: 0 to {@code CLASSES - 1}. */
  public static final int CLASSES = 10;

  private static final int BUFFER = 1 << 16;

  private IdxReader() {}

  /** Reads an images file ({@code *-images-idx3-ubyte}, raw or gzipped). */
  public static IdxImages readImages(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readImages(in, file.toString());
    }
  }

  /**
   * Reads an images file from a stream, which this method does not close.
   *
   * @param name how to refer to the stream in error messages, usually its file name
   */
  public static IdxImages readImages(InputStream in, String name) throws IOException {
    InputStream data = decoded(in, name);
    int[] dims = header(data, name, IMAGES_MAGIC, "images", "image count", "rows", "columns");
    long size = (long) dims[0] * dims[1] * dims[2];
    String declared = "%d images of %dx%d".formatted(dims[0], dims[1], dims[2]);
    byte[] pixels = body(data, name, size, declared, "pixel bytes");
    return new IdxImages(dims[0], dims[1], dims[2], pixels);
  }

  /** Reads a labels file ({@code *-labels-idx1-ubyte}, raw or gzipped). */
  public static byte[] readLabels(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readLabels(in, file.toString());
    }
  }

  /**
   * Reads a labels file from a stream, which this method does not close.
   *
   * @param name how to refer to the stream in error messages, usually its file name
   */
  public static byte[] readLabels(InputStream in, String name) throws IOException {
    InputStream data = decoded(in, name);
    int[] dims = header(data, name, LABELS_MAGIC, "labels", "label count");
    byte[] labels = body(data, name, dims[0], dims[0] + " labels", "label bytes");
    for (int i = 0; i < labels.length; i++) {
      int label = labels[i] & 0xff;
      if (label >= CLASSES) {
        throw new IdxFormatException(
            name, "label %d at index %d is outside 0..%d".formatted(label, i, CLASSES - 1));
      }
    }
    return labels;
  }

  /** Reads an images file and its labels file into one dataset. */
  public static ImageDataset readDataset(Path images, Path labels) throws IOException {
    return pair(readImages(images), images.toString(), readLabels(labels), labels.toString());
  }

  /**
   * Reads images and labels from two streams, which this method does not close.
   *
   * @param imagesName how to refer to the images stream in error messages
   * @param labelsName how to refer to the labels stream in error messages
   */
  public static ImageDataset readDataset(
      InputStream images, String imagesName, InputStream labels, String labelsName)
      throws IOException {
    return pair(
        readImages(images, imagesName), imagesName, readLabels(labels, labelsName), labelsName);
  }

  private static ImageDataset pair(
      IdxImages images, String imagesName, byte[] labels, String labelsName)
      throws IdxFormatException {
    if (images.count() != labels.length) {
      throw new IdxFormatException(
          labelsName,
          "holds %d labels but %s holds %d images; each image needs exactly one label"
              .formatted(labels.length, imagesName, images.count()));
    }
    return images.withLabels(labels);
  }

  /** The stream's IDX bytes: itself, or its decompressed content if it starts with 1f 8b. */
  private static InputStream decoded(InputStream in, String name) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, BUFFER);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    if (b0 != 0x1f || b1 != 0x8b) {
      return buffered;
    }
    try {
      return new GZIPInputStream(buffered, BUFFER);
    } catch (ZipException | EOFException e) {
      throw new IdxFormatException(
          name, "starts like gzip (1f 8b) but its gzip header is broken: " + e.getMessage(), e);
    }
  }

  /** Reads and checks the magic number and dimensions; returns the dimensions. */
  private static int[] header(
      InputStream in, String name, int magic, String kind, String... dimNames) throws IOException {
    byte[] bytes = readUpTo(in, name, 4 + 4 * dimNames.length);
    if (bytes.length == 0) {
      throw new IdxFormatException(name, "is empty, expected an IDX %s file".formatted(kind));
    }
    if (bytes.length < 4) {
      throw new IdxFormatException(
          name, "is only %d bytes long, too short for an IDX header".formatted(bytes.length));
    }
    ByteBuffer header = ByteBuffer.wrap(bytes);
    int found = header.getInt();
    if (found != magic) {
      throw new IdxFormatException(
          name,
          "expected magic 0x%08x (%s), found 0x%08x%s"
              .formatted(magic, kind, found, describeMagic(found)));
    }
    if (bytes.length < 4 + 4 * dimNames.length) {
      throw new IdxFormatException(
          name,
          "truncated header: an IDX %s file needs %d header bytes, found %d"
              .formatted(kind, 4 + 4 * dimNames.length, bytes.length));
    }
    int[] dims = new int[dimNames.length];
    for (int d = 0; d < dims.length; d++) {
      dims[d] = header.getInt();
      if (dims[d] <= 0) {
        throw new IdxFormatException(
            name,
            "%s is %s in the header; it must be positive"
                .formatted(dimNames[d], Integer.toUnsignedString(dims[d])));
      }
    }
    return dims;
  }

  /** Reads exactly {@code size} bytes and checks that nothing follows them. */
  private static byte[] body(InputStream in, String name, long size, String declared, String unit)
      throws IOException {
    if (size > Integer.MAX_VALUE - 16) {
      throw new IdxFormatException(
          name,
          "header declares %s (%d %s), more than one Java array can hold"
              .formatted(declared, size, unit));
    }
    byte[] bytes = readUpTo(in, name, (int) size);
    if (bytes.length < size) {
      throw new IdxFormatException(
          name,
          "truncated: the header declares %s (%d %s) but only %d follow"
              .formatted(declared, size, unit, bytes.length));
    }
    long extra = drain(in, name);
    if (extra > 0) {
      throw new IdxFormatException(
          name,
          "has %d trailing bytes after the %s its header declares".formatted(extra, declared));
    }
    return bytes;
  }

  private static byte[] readUpTo(InputStream in, String name, int n) throws IOException {
    try {
      return in.readNBytes(n);
    } catch (ZipException | EOFException e) {
      throw brokenGzip(name, e);
    }
  }

  private static long drain(InputStream in, String name) throws IOException {
    try {
      return in.transferTo(OutputStream.nullOutputStream());
    } catch (ZipException | EOFException e) {
      throw brokenGzip(name, e);
    }
  }

  private static IdxFormatException brokenGzip(String name, IOException e) {
    return new IdxFormatException(
        name, "gzip data is corrupt or truncated (" + e.getMessage() + ")", e);
  }

  private static String describeMagic(int magic) {
    return switch (magic) {
      case IMAGES_MAGIC -> " (images)";
      case LABELS_MAGIC -> " (labels)";
      default -> ", which is not the magic number of an MNIST IDX file";
    };
  }
}
