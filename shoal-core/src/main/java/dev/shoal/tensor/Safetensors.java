package dev.shoal.tensor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.io.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * ({@code dtype}, {@code shape}, {@code data_offsets} per tensor and an optional string map
 * {@code __metadata__}), then the raw little-endian data. Shoal stores float32 ({@code F32}).
 *
 * <p>The encoding Shoal writes is canonical (compact JSON, tensors in set order, metadata keys
 * sorted, header padded with spaces to 8 bytes), so equal parameter sets have equal bytes and
 * equal {@link ContentId}s.
 */
public final class Safetensors {

  /** Headers larger than this are refused, as the reference implementation does. */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final String METADATA = "__metadata__";
  private static final int BLOCK_BYTES = 1 << 20;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Safetensors() {}

  /** Reads a whole file, one tensor at a time (the file is never held in memory as bytes). */
  public static ParameterSet read(Path file) throws IOException {
    return SafetensorsFile.open(file).load();
  }

  /** Writes {@code parameters} to {@code file} atomically. */
  public static void write(ParameterSet parameters, Path file) throws IOException {
    AtomicFile.write(file, out -> write(parameters, out));
  }

  /** Streams the canonical encoding to {@code out} in blocks of at most 1 MiB. */
  public static void write(ParameterSet parameters, OutputStream out) throws IOException {
    byte[] header = header(parameters);
    ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    block.putLong(header.length);
    out.write(block.array(), 0, 8);
    out.write(header);
    for (Tensor t : parameters.tensors()) {
      float[] data = t.data();
      for (int from = 0; from < data.length; from += BLOCK_BYTES / 4) {
        int n = Math.min(BLOCK_BYTES / 4, data.length - from);
        block.clear();
        block.asFloatBuffer().put(data, from, n);
        out.write(block.array(), 0, 4 * n);
      }
    }
  }

  /** The size {@link #encode} would produce, without encoding the data. */
  public static long encodedSize(ParameterSet parameters) {
    long data = 0;
    for (Tensor t : parameters.tensors()) {
      data += 4L * t.size();
    }
    return 8 + header(parameters).length + data;
  }

  /** The canonical encoding in one array; for large sets prefer {@link #write(ParameterSet, OutputStream)}. */
  public static byte[] encode(ParameterSet parameters) {
    long total = encodedSize(parameters);
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("parameter set too large to encode in one array: " + total + " bytes");
    }
    var out = new ByteArrayOutputStream((int) total);
    try {
      write(parameters, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] header(ParameterSet parameters) {
    return header(parameters.metadata(), parameters.tensors().stream()
        .map(t -> new Layout(t.name(), "F32", t.shape(), 4L * t.size())).toList());
  }

  /** Where one tensor goes in a file: its name, dtype, shape and size in bytes. */
  private record Layout(String name, String dtype, int[] shape, long bytes) {}

  /** The JSON header for tensors laid out back to back in list order, padded with spaces to 8 bytes. */
  private static byte[] header(Map<String, String> metadata, List<Layout> tensors) {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject(METADATA);
      new TreeMap<>(metadata).forEach(meta::put);
    }
    long offset = 0;
    for (Layout t : tensors) {
      ObjectNode entry = root.putObject(t.name());
      entry.put("dtype", t.dtype());
      ArrayNode shape = entry.putArray("shape");
      for (int d : t.shape()) {
        shape.add(d);
      }
      entry.putArray("data_offsets").add(offset).add(offset + t.bytes());
      offset += t.bytes();
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise safetensors header", e);
    }
    int padded = (json.length + 7) / 8 * 8;
    byte[] header = java.util.Arrays.copyOf(json, padded);
    java.util.Arrays.fill(header, json.length, padded, (byte) ' ');
    return header;
  }

  /**
   * Decodes safetensors bytes; {@code source} names the file or message in every error.
   *
   * @throws SafetensorsException if the bytes are truncated, the header is oversized or not
   *     valid, offsets overlap, leave holes or run past the data, or a dtype is not F32
   */
  public static ParameterSet decode(byte[] bytes, String source) throws SafetensorsException {
    long headerLength = headerLength(bytes, bytes.length, source);
    Header h = parseHeader(java.util.Arrays.copyOfRange(bytes, 8, 8 + (int) headerLength), bytes.length, source);
    ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<Tensor> tensors = new ArrayList<>(h.entries().size());
    for (Entry e : h.entries()) {
      float[] values = new float[(int) ((e.end - e.begin) / 4)];
      data.slice((int) (h.dataStart() + e.begin), (int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer().get(values);
      tensors.add(new Tensor(e.name, e.shape, values));
    }
    return new ParameterSet(tensors, h.metadata());
  }

  /** A tensor's place in the data section, which starts after the header. */
  record Entry(String name, String dtype, int[] shape, long begin, long end) {}

  /** Bytes per element of the dtypes Shoal reads: F32 for models, the others in encoded updates. */
  private static final Map<String, Integer> DTYPE_BYTES = Map.of("F32", 4, "F16", 2, "BF16", 2, "I8", 1, "I32", 4);

  /**
   * Decodes safetensors bytes whose tensors may have any of {@code dtypes} (F32, F16, BF16, I8,
   * I32), keeping each tensor's data as raw little-endian bytes: for encoded updates.
   *
   * @throws SafetensorsException as {@link #decode}, or if a dtype is not among {@code dtypes}
   */
  public static RawTensors decodeRaw(byte[] bytes, String source, java.util.Set<String> dtypes)
      throws SafetensorsException {
    long headerLength = headerLength(bytes, bytes.length, source);
    Header h = parseHeader(java.util.Arrays.copyOfRange(bytes, 8, 8 + (int) headerLength), bytes.length, source, dtypes);
    List<RawTensor> tensors = new ArrayList<>(h.entries().size());
    for (Entry e : h.entries()) {
      int from = (int) (h.dataStart() + e.begin);
      tensors.add(new RawTensor(e.name, e.dtype, e.shape, java.util.Arrays.copyOfRange(bytes, from, (int) (from + e.end - e.begin))));
    }
    return new RawTensors(tensors, h.metadata());
  }

  /** Encodes tensors of any of the dtypes {@link #decodeRaw} reads, in list order, with sorted metadata. */
  public static byte[] encodeRaw(RawTensors raw) {
    byte[] header = header(raw.metadata(), raw.tensors().stream()
        .map(t -> new Layout(t.name(), t.dtype(), t.shape(), t.data().length)).toList());
    long data = raw.tensors().stream().mapToLong(t -> t.data().length).sum();
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + header.length + data)).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(header.length).put(header);
    for (RawTensor t : raw.tensors()) {
      out.put(t.data());
    }
    return out.array();
  }

  /** A parsed and validated header: metadata and tensors in header order. */
  record Header(Map<String, String> metadata, List<Entry> entries, long dataStart) {}

  /**
   * Reads the 8-byte little-endian header length from {@code prefix} and checks it against the
   * limit and the {@code total} size of the file or message.
   */
  static long headerLength(byte[] prefix, long total, String source) throws SafetensorsException {
    if (total < 8 || prefix.length < 8) {
      throw new SafetensorsException(
          source, "truncated: " + total + " bytes, but the 8-byte header length alone needs 8");
    }
    long headerLength = ByteBuffer.wrap(prefix, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
      throw new SafetensorsException(
          source,
          "header length %s exceeds the limit of %d bytes"
              .formatted(Long.toUnsignedString(headerLength), MAX_HEADER_BYTES));
    }
    if (headerLength > total - 8) {
      throw new SafetensorsException(
          source,
          "truncated: header claims %d bytes but only %d follow the length field"
              .formatted(headerLength, total - 8));
    }
    return headerLength;
  }

  /** Parses the JSON header and checks that its tensors tile the rest of the {@code total} bytes. */
  static Header parseHeader(byte[] json, long total, String source) throws SafetensorsException {
    return parseHeader(json, total, source, java.util.Set.of("F32"));
  }

  private static Header parseHeader(byte[] json, long total, String source, java.util.Set<String> dtypes)
      throws SafetensorsException {
    if (json.length == 0 || json[0] != '{') {
      throw new SafetensorsException(source, "header is not a JSON object (it must start with '{')");
    }
    JsonNode root;
    try {
      root = JSON.readTree(new String(json, StandardCharsets.UTF_8).stripTrailing());
    } catch (JsonProcessingException e) {
      throw new SafetensorsException(source, "header is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new SafetensorsException(source, "header is not a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (field.getKey().equals(METADATA)) {
        readMetadata(field.getValue(), metadata, source);
      } else {
        entries.add(entry(field.getKey(), field.getValue(), source, dtypes));
      }
    }
    long dataStart = 8L + json.length;
    checkCoverage(entries, total - dataStart, source);
    return new Header(metadata, entries, dataStart);
  }

  private static void readMetadata(JsonNode node, Map<String, String> into, String source)
      throws SafetensorsException {
    if (!node.isObject()) {
      throw new SafetensorsException(source, "__metadata__ must be an object of strings");
    }
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      if (!f.getValue().isTextual()) {
        throw new SafetensorsException(
            source, "__metadata__ value for '" + f.getKey() + "' must be a string, found " + f.getValue().getNodeType());
      }
      into.put(f.getKey(), f.getValue().asText());
    }
  }

  private static Entry entry(String name, JsonNode node, String source, java.util.Set<String> dtypes)
      throws SafetensorsException {
    String where = "tensor '" + name + "'";
    if (!node.isObject()) {
      throw new SafetensorsException(source, where + " must be an object with dtype, shape and data_offsets");
    }
    JsonNode dtype = node.get("dtype");
    if (dtype == null || !dtype.isTextual()) {
      throw new SafetensorsException(source, where + " has no dtype");
    }
    if (!dtypes.contains(dtype.asText()) || !DTYPE_BYTES.containsKey(dtype.asText())) {
      throw new SafetensorsException(source, where + " has dtype " + dtype.asText() + (dtypes.equals(java.util.Set.of("F32"))
          ? "; Shoal reads F32 (float32) tensors only"
          : "; expected one of " + new java.util.TreeSet<>(dtypes)));
    }
    int size = DTYPE_BYTES.get(dtype.asText());
    JsonNode shapeNode = node.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw new SafetensorsException(source, where + " has no shape array");
    }
    int[] shape = new int[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToInt() || !d.isIntegralNumber() || d.asInt() < 0) {
        throw new SafetensorsException(source, where + " has an invalid dimension " + d + " in its shape");
      }
      shape[i] = d.asInt();
    }
    JsonNode offsets = node.get("data_offsets");
    if (offsets == null || !offsets.isArray() || offsets.size() != 2
        || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
      throw new SafetensorsException(source, where + " needs data_offsets [begin, end]");
    }
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    long count;
    try {
      count = Tensor.elementCount(shape);
    } catch (ArithmeticException e) {
      throw new SafetensorsException(source, where + " has a shape too large to address");
    }
    if (begin < 0 || end < begin || end - begin != size * count) {
      throw new SafetensorsException(
          source,
          "%s: data_offsets [%d, %d] span %d bytes but shape %s of %s needs %d"
              .formatted(where, begin, end, end - begin, java.util.Arrays.toString(shape), dtype.asText(), size * count));
    }
    return new Entry(name, dtype.asText(), shape, begin, end);
  }

  /** The tensors must tile the data section exactly: no overlap, no hole, nothing past the end. */
  private static void checkCoverage(List<Entry> entries, long dataLength, String source)
      throws SafetensorsException {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    for (Entry e : sorted) {
      if (e.begin < expected) {
        throw new SafetensorsException(
            source, "tensor '%s' data_offsets [%d, %d] overlap the previous tensor, which ends at %d"
                .formatted(e.name, e.begin, e.end, expected));
      }
      if (e.begin > expected) {
        throw new SafetensorsException(
            source, "hole in the data section: bytes %d..%d belong to no tensor".formatted(expected, e.begin));
      }
      if (e.end > dataLength) {
        throw new SafetensorsException(
            source, "truncated: tensor '%s' ends at byte %d of the data section but it has only %d bytes"
                .formatted(e.name, e.end, dataLength));
      }
      expected = e.end;
    }
    if (expected != dataLength) {
      throw new SafetensorsException(
          source, "%d trailing bytes after the last tensor".formatted(dataLength - expected));
    }
  }
}
