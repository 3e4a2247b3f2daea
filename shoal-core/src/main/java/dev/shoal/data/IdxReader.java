package dev.shoal.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads files in the IDX format (MNIST's): a big-endian header (two zero bytes, a type byte, a
 * dimension count, then one 32-bit size per dimension) followed by the values, big-endian. Every
 * IDX type is read: unsigned bytes ({@code 0x08}), signed bytes ({@code 0x09}), 16- and 32-bit
 * integers ({@code 0x0B}, {@code 0x0C}), 32- and 64-bit floats ({@code 0x0D}, {@code 0x0E}).
 * Files may be raw or gzipped; gzip is recognised by its magic bytes {@code 1f 8b}, whatever the
 * file is called.
 *
 * <p>An examples file has at least two dimensions (count, then the shape of one example);
 * unsigned bytes are scaled to [0, 1] (grey levels), other types are taken as they are. One
 * example of two dimensions (rows × columns) is one channel: its shape is {@code [1, rows,
 * cols]}. A labels file has one dimension of whole numbers (0 or more).
 *
 * <p>Every check is strict: the magic number must be an IDX one of the expected kind, every
 * dimension positive, the data exactly as long as the header says (no missing and no trailing
 * bytes), and examples and labels as many as each other. A file that fails a check raises an
 * {@link IdxFormatException} naming the file and the problem.
 */
public final class IdxReader {

  /** Magic number of an MNIST images file: unsigned bytes ({@code 0x08}), three dimensions. */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** Magic number of an MNIST labels file: unsigned bytes ({@code 0x08}), one dimension. */
  public static final int LABELS_MAGIC = 0x00000801;

  /** IDX type bytes. */
  static final int UBYTE = 0x08;
  static final int BYTE = 0x09;
  static final int SHORT = 0x0B;
  static final int INT = 0x0C;
  static final int FLOAT = 0x0D;
  static final int DOUBLE = 0x0E;

  /** Labels files without a declared schema are read as digits: at least this many classes. */
  public static final int DEFAULT_CLASSES = 10;

  private static final int BUFFER = 1 << 16;

  private IdxReader() {}

  /** Reads an examples file (e.g. {@code *-images-idx3-ubyte}, raw or gzipped). */
  public static IdxImages readImages(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readImages(in, file.toString());
    }
  }

  /**
   * Reads an examples file from a stream, which this method does not close.
   *
   * @param name how to refer to the stream in error messages, usually its file name
   */
  public static IdxImages readImages(InputStream in, String name) throws IOException {
    InputStream data = decoded(in, name);
    Header h = header(data, name, true);
    int[] shape = h.dims().length == 3
        ? new int[] {1, h.dims()[1], h.dims()[2]}
        : Arrays.copyOfRange(h.dims(), 1, h.dims().length);
    long count = Arrays.stream(h.dims()).asLongStream().reduce(1, Math::multiplyExact);
    String declared = "%d examples of %s".formatted(h.dims()[0], describe(h.dims()));
    float[] values = body(data, name, h.type(), count, declared, true);
    return new IdxImages(h.dims()[0], shape, h.type(), values);
  }

  /** Reads a labels file ({@code *-labels-idx1-ubyte}, raw or gzipped). */
  public static int[] readLabels(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readLabels(in, file.toString());
    }
  }

  /**
   * Reads a labels file from a stream, which this method does not close.
   *
   * @param name how to refer to the stream in error messages, usually its file name
   */
  public static int[] readLabels(InputStream in, String name) throws IOException {
    InputStream data = decoded(in, name);
    Header h = header(data, name, false);
    float[] values = body(data, name, h.type(), h.dims()[0], h.dims()[0] + " labels", false);
    int[] labels = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (!(v >= 0) || v != Math.rint(v)) {
        throw new IdxFormatException(name, "label %s at index %d is not a class index (0 or more)".formatted(v, i));
      }
      labels[i] = (int) v;
    }
    return labels;
  }

  /** Reads an examples file and its labels file into one dataset of {@code schema}, or (null) digits. */
  public static Dataset readDataset(Path images, Path labels, Schema schema) throws IOException {
    return pair(readImages(images), images.toString(), readLabels(labels), labels.toString(), schema);
  }

  /** Reads examples and labels from two streams, which this method does not close. */
  public static Dataset readDataset(
      InputStream images, String imagesName, InputStream labels, String labelsName, Schema schema)
      throws IOException {
    return pair(readImages(images, imagesName), imagesName, readLabels(labels, labelsName), labelsName, schema);
  }

  /** The schema of IDX data without a declared one: classification over digits 0..max(9, largest label). */
  public static Schema digits(int[] shape, int largestLabel) {
    return Schema.indexed(Task.CLASSIFICATION, shape, Math.max(DEFAULT_CLASSES, largestLabel + 1));
  }

  static int largest(int[] labels) {
    return Arrays.stream(labels).max().orElse(0);
  }

  private static Dataset pair(IdxImages images, String imagesName, int[] labels, String labelsName, Schema schema)
      throws IdxFormatException {
    if (images.count() != labels.length) {
      throw new IdxFormatException(
          labelsName,
          "holds %d labels but %s holds %d examples; each example needs exactly one label"
              .formatted(labels.length, imagesName, images.count()));
    }
    Schema s = schema != null ? schema : digits(images.shape(), largest(labels));
    if (!Arrays.equals(s.shape(), images.shape())) {
      throw new IdxFormatException(imagesName, "examples have shape %s but the declared schema says %s"
          .formatted(Arrays.toString(images.shape()), s.inputShape()));
    }
    float[] targets = new float[labels.length];
    for (int i = 0; i < labels.length; i++) {
      if (s.task().hasClasses() && labels[i] >= s.classCount()) {
        throw new IdxFormatException(labelsName, "label %d at index %d is outside 0..%d, the declared classes"
            .formatted(labels[i], i, s.classCount() - 1));
      }
      targets[i] = labels[i];
    }
    try {
      return new Dataset(s, images.values(), targets);
    } catch (IllegalArgumentException e) {
      throw new IdxFormatException(imagesName, e.getMessage());
    }
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
      return new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), BUFFER);
    } catch (ZipException | EOFException e) {
      throw new IdxFormatException(
          name, "starts like gzip (1f 8b) but its gzip header is broken: " + e.getMessage(), e);
    }
  }

  private record Header(int type, int[] dims) {}

  /** Reads and checks the magic number and dimensions. */
  private static Header header(InputStream in, String name, boolean examples) throws IOException {
    String kind = examples ? "images" : "labels";
    int expected = examples ? IMAGES_MAGIC : LABELS_MAGIC;
    byte[] bytes = readUpTo(in, name, 4);
    if (bytes.length == 0) {
      throw new IdxFormatException(name, "is empty, expected an IDX %s file".formatted(kind));
    }
    if (bytes.length < 4) {
      throw new IdxFormatException(
          name, "is only %d bytes long, too short for an IDX header".formatted(bytes.length));
    }
    int found = ByteBuffer.wrap(bytes).getInt();
    int type = (found >>> 8) & 0xff;
    int rank = found & 0xff;
    boolean idx = (found >>> 16) == 0 && width(type) > 0;
    boolean fits = examples ? rank >= 2 : rank == 1 && type != FLOAT && type != DOUBLE;
    if (!idx || !fits) {
      throw new IdxFormatException(
          name,
          "expected magic 0x%08x (%s%s), found 0x%08x%s"
              .formatted(expected, kind,
                  examples ? ", or any IDX type with 2 or more dimensions" : ", or any integer IDX type with 1 dimension",
                  found, describeMagic(found)));
    }
    String[] dimNames = examples ? dimNames(rank) : new String[] {"label count"};
    byte[] dimBytes = readUpTo(in, name, 4 * rank);
    if (dimBytes.length < 4 * rank) {
      throw new IdxFormatException(
          name,
          "truncated header: an IDX %s file needs %d header bytes, found %d"
              .formatted(kind, 4 + 4 * rank, 4 + dimBytes.length));
    }
    ByteBuffer header = ByteBuffer.wrap(dimBytes);
    int[] dims = new int[rank];
    for (int d = 0; d < dims.length; d++) {
      dims[d] = header.getInt();
      if (dims[d] <= 0) {
        throw new IdxFormatException(
            name,
            "%s is %s in the header; it must be positive"
                .formatted(dimNames[d], Integer.toUnsignedString(dims[d])));
      }
    }
    return new Header(type, dims);
  }

  private static String[] dimNames(int rank) {
    if (rank == 3) {
      return new String[] {"image count", "rows", "columns"};
    }
    String[] names = new String[rank];
    names[0] = "example count";
    for (int d = 1; d < rank; d++) {
      names[d] = "dimension " + d;
    }
    return names;
  }

  private static String describe(int[] dims) {
    int[] shape = Arrays.copyOfRange(dims, 1, dims.length);
    return Arrays.stream(shape).mapToObj(Integer::toString).reduce((a, b) -> a + "x" + b).orElse("");
  }

  /** Bytes per value of an IDX type, or 0 for a byte that is no IDX type. */
  static int width(int type) {
    return switch (type) {
      case UBYTE, BYTE -> 1;
      case SHORT -> 2;
      case INT, FLOAT -> 4;
      case DOUBLE -> 8;
      default -> 0;
    };
  }

  /** Reads exactly {@code count} values and checks that nothing follows them. */
  private static float[] body(InputStream in, String name, int type, long count, String declared, boolean scale)
      throws IOException {
    long size = count * width(type);
    if (size > Integer.MAX_VALUE - 16) {
      throw new IdxFormatException(
          name, "header declares %s (%d bytes), more than one Java array can hold".formatted(declared, size));
    }
    byte[] bytes = readUpTo(in, name, (int) size);
    if (bytes.length < size) {
      throw new IdxFormatException(
          name,
          "truncated: the header declares %s (%d %s) but only %d follow"
              .formatted(declared, size, type == UBYTE && scale ? "pixel bytes" : "bytes", bytes.length));
    }
    long extra = drain(in, name);
    if (extra > 0) {
      throw new IdxFormatException(
          name, "has %d trailing bytes after the %s its header declares".formatted(extra, declared));
    }
    float[] values = new float[(int) count];
    ByteBuffer b = ByteBuffer.wrap(bytes);
    for (int i = 0; i < values.length; i++) {
      values[i] = switch (type) {
        case UBYTE -> scale ? (bytes[i] & 0xff) / 255f : bytes[i] & 0xff;
        case BYTE -> bytes[i];
        case SHORT -> b.getShort(2 * i);
        case INT -> b.getInt(4 * i);
        case FLOAT -> b.getFloat(4 * i);
        default -> (float) b.getDouble(8 * i);
      };
      if (!Float.isFinite(values[i])) {
        throw new IdxFormatException(name, "value %d is %s; data must be finite numbers".formatted(i, values[i]));
      }
    }
    return values;
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
    if (magic == IMAGES_MAGIC) {
      return " (images)";
    }
    if (magic == LABELS_MAGIC) {
      return " (labels)";
    }
    if ((magic >>> 16) == 0 && width((magic >>> 8) & 0xff) > 0) {
      return " (IDX type 0x%02x with %d dimensions)".formatted((magic >>> 8) & 0xff, magic & 0xff);
    }
    return ", which is not the magic number of an IDX file";
  }
}
