package dev.shoal.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} array format, as {@code numpy.save} writes it: the magic {@code \x93NUMPY},
 * a version, a header length, a Python-literal header ({@code descr}, {@code fortran_order},
 * {@code shape}) and the raw values. Reads booleans, signed and unsigned integers of 1 to 8 bytes
 * and 32- and 64-bit floats of either byte order, in C order; writes little-endian float32.
 */
final class Npy {

  /** An array: its shape and its values as floats (integers as their value). */
  record Array(int[] shape, float[] values, boolean integral) {}

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([biuf])(\\d+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  static Array read(InputStream in, String where) throws IOException {
    byte[] magic = in.readNBytes(8);
    if (magic.length < 8 || !Arrays.equals(Arrays.copyOf(magic, 6), MAGIC)) {
      throw new DataFormatException(where, "is not a NumPy .npy array (it does not start with \\x93NUMPY)");
    }
    int major = magic[6];
    byte[] len = in.readNBytes(major == 1 ? 2 : 4);
    ByteBuffer lb = ByteBuffer.wrap(Arrays.copyOf(len, 4)).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = major == 1 ? lb.getShort() & 0xffff : lb.getInt();
    if (headerLength < 0 || headerLength > 1 << 20) {
      throw new DataFormatException(where, "has a header of %d bytes, which is not plausible".formatted(headerLength));
    }
    String header = new String(in.readNBytes(headerLength), major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw new DataFormatException(where, "has a header NumPy did not write or a dtype Shoal does not read: " + header.strip()
          + " (use float32, float64, bool or integer arrays)");
    }
    if (f.group(1).equals("True")) {
      throw new DataFormatException(where, "is in Fortran order; save it in C order (numpy.ascontiguousarray)");
    }
    ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    char kind = d.group(2).charAt(0);
    int width = Integer.parseInt(d.group(3));
    boolean ok = switch (kind) {
      case 'f' -> width == 4 || width == 8;
      case 'b' -> width == 1;
      default -> width == 1 || width == 2 || width == 4 || width == 8;
    };
    if (!ok) {
      throw new DataFormatException(where, "has dtype %s%d, which Shoal does not read; use float32, float64 or integers"
          .formatted(kind, width));
    }
    List<Integer> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      if (!part.isBlank()) {
        dims.add(Integer.parseInt(part.strip().replace("L", "")));
      }
    }
    int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
    long count = 1;
    for (int dim : shape) {
      count *= dim;
    }
    if (count * width > Integer.MAX_VALUE - 16) {
      throw new DataFormatException(where, "holds %d values, more than Shoal reads into memory".formatted(count));
    }
    byte[] raw = in.readNBytes((int) (count * width));
    if (raw.length < count * width) {
      throw new DataFormatException(where, "is truncated: shape %s needs %d bytes of data, found %d"
          .formatted(Arrays.toString(shape), count * width, raw.length));
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(order);
    float[] values = new float[(int) count];
    for (int i = 0; i < values.length; i++) {
      double v = switch (kind) {
        case 'f' -> width == 4 ? b.getFloat(4 * i) : b.getDouble(8 * i);
        case 'u' -> switch (width) {
          case 1 -> raw[i] & 0xff;
          case 2 -> b.getShort(2 * i) & 0xffff;
          case 4 -> b.getInt(4 * i) & 0xffffffffL;
          default -> (double) b.getLong(8 * i);
        };
        default -> switch (width) {
          case 1 -> raw[i];
          case 2 -> b.getShort(2 * i);
          case 4 -> b.getInt(4 * i);
          default -> (double) b.getLong(8 * i);
        };
      };
      if (!Double.isFinite(v)) {
        throw new DataFormatException(where, "value %d (at %s) is %s; data must be finite numbers"
            .formatted(i, position(shape, i), v));
      }
      values[i] = (float) v;
    }
    return new Array(shape, values, kind != 'f');
  }

  /** The index of flat position {@code i} in an array of {@code shape}, e.g. {@code [3, 1]}. */
  static String position(int[] shape, int i) {
    int[] idx = new int[shape.length];
    for (int k = shape.length - 1; k >= 0; k--) {
      idx[k] = i % Math.max(1, shape[k]);
      i /= Math.max(1, shape[k]);
    }
    return Arrays.toString(idx);
  }

  /** A version 1.0 little-endian float32 array. */
  static byte[] write(int[] shape, float[] values) {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    String shapeText = shape.length == 1 ? shape[0] + "," : dims.substring(0, dims.length() - 2);
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shapeText + "), }";
    int total = 10 + header.length() + 1;
    int pad = (64 - total % 64) % 64;
    header = header + " ".repeat(pad) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream(10 + header.length() + 4 * values.length);
    out.writeBytes(MAGIC);
    out.write(1);
    out.write(0);
    out.write(header.length() & 0xff);
    out.write(header.length() >>> 8);
    out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    out.writeBytes(b.array());
    return out.toByteArray();
  }
}
