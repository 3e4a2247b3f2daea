package dev.shoal.tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A safetensors file whose header has been read and validated, and whose tensors are read from
 * disk only when asked for, one at a time. The file must not change while this view is used
 * (content-addressed blobs never do).
 */
public final class SafetensorsFile implements TensorSource {

  private static final int BLOCK_BYTES = 1 << 20;

  /** A block read from the file and the same values as floats, reused by {@link #scan}. */
  private record ScanBlock(ByteBuffer bytes, float[] values) {}

  /** Free scan blocks: a direct buffer is read into without the copy a heap buffer costs. */
  private static final Queue<ScanBlock> FREE_BLOCKS = new ConcurrentLinkedQueue<>();

  private static final int MAX_FREE_BLOCKS = 16;

  private final Path file;
  private final Safetensors.Header header;
  private final Map<String, Safetensors.Entry> byName = new LinkedHashMap<>();
  private final Optional<ContentId> contentId;

  private SafetensorsFile(Path file, Safetensors.Header header, Optional<ContentId> contentId) {
    this.file = file;
    this.header = header;
    this.contentId = contentId;
    header.entries().forEach(e -> byName.put(e.name(), e));
  }

  /**
   * Reads and validates the header of {@code file}.
   *
   * @throws SafetensorsException if the file is missing, truncated or its header is invalid
   */
  public static SafetensorsFile open(Path file) throws IOException {
    return open(file, Optional.empty());
  }

  /**
   * Reads and validates the header of a content-addressed {@code file} whose bytes were verified
   * to hash to {@code id} when it was stored, and which never changes after (a blob).
   *
   * @throws SafetensorsException if the file is missing, truncated or its header is invalid
   */
  public static SafetensorsFile open(Path file, ContentId id) throws IOException {
    return open(file, Optional.of(id));
  }

  private static SafetensorsFile open(Path file, Optional<ContentId> id) throws IOException {
    String source = file.toString();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long total = channel.size();
      byte[] prefix = readFully(channel, 0, (int) Math.min(8, total));
      long headerLength = Safetensors.headerLength(prefix, total, source);
      byte[] json = readFully(channel, 8, (int) headerLength);
      return new SafetensorsFile(file, Safetensors.parseHeader(json, total, source), id);
    } catch (NoSuchFileException e) {
      throw new SafetensorsException(source, "no such file");
    }
  }

  public Path file() {
    return file;
  }

  /** The id the file's bytes were verified to hash to when it was stored; empty when not opened as a blob. */
  public Optional<ContentId> contentId() {
    return contentId;
  }

  @Override
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  @Override
  public Optional<int[]> shape(String name) {
    return Optional.ofNullable(byName.get(name)).map(e -> e.shape().clone());
  }

  @Override
  public Map<String, String> metadata() {
    return header.metadata();
  }

  @Override
  public Tensor read(String name) {
    Safetensors.Entry e = entry(name);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(channel, e);
    } catch (IOException x) {
      throw new UncheckedIOException("cannot read tensor '" + name + "' from " + file, x);
    }
  }

  @Override
  public void scan(String name, Block block) {
    Safetensors.Entry e = entry(name);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      scan(channel, e, block);
    } catch (IOException x) {
      throw new UncheckedIOException("cannot read tensor '" + name + "' from " + file, x);
    }
  }

  private Safetensors.Entry entry(String name) {
    Safetensors.Entry e = byName.get(name);
    if (e == null) {
      throw new IllegalArgumentException("no tensor '" + name + "' in " + file);
    }
    return e;
  }

  /** Where tensor {@code name}'s float32 data starts in the file, in bytes from its beginning. */
  public long dataPosition(String name) {
    Safetensors.Entry e = entry(name);
    return header.dataStart() + e.begin();
  }

  /** Every tensor, read in one pass. */
  public ParameterSet load() throws IOException {
    List<Tensor> tensors = new ArrayList<>(byName.size());
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      for (Safetensors.Entry e : header.entries()) {
        tensors.add(read(channel, e));
      }
    }
    return new ParameterSet(tensors, header.metadata());
  }

  private Tensor read(FileChannel channel, Safetensors.Entry e) throws IOException {
    float[] values = new float[(int) ((e.end() - e.begin()) / 4)];
    scan(channel, e, (block, from, length) -> System.arraycopy(block, 0, values, from, length));
    return new Tensor(e.name(), e.shape().clone(), values);
  }

  /** Reads tensor {@code e} block by block through a pooled scan block. */
  private void scan(FileChannel channel, Safetensors.Entry e, Block block) throws IOException {
    ScanBlock b = FREE_BLOCKS.poll();
    if (b == null) {
      b = new ScanBlock(ByteBuffer.allocateDirect(BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN), new float[BLOCK_BYTES / 4]);
    }
    try {
      int count = (int) ((e.end() - e.begin()) / 4);
      long position = header.dataStart() + e.begin();
      for (int from = 0; from < count; ) {
        int n = Math.min(b.values.length, count - from);
        b.bytes.clear().limit(4 * n);
        fill(channel, b.bytes, position);
        b.bytes.flip();
        b.bytes.asFloatBuffer().get(b.values, 0, n);
        block.accept(b.values, from, n);
        from += n;
        position += 4L * n;
      }
    } finally {
      if (FREE_BLOCKS.size() < MAX_FREE_BLOCKS) {
        FREE_BLOCKS.offer(b);
      }
    }
  }

  private static byte[] readFully(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    fill(channel, buf, position);
    return buf.array();
  }

  private static void fill(FileChannel channel, ByteBuffer buf, long position) throws IOException {
    while (buf.hasRemaining()) {
      int n = channel.read(buf, position);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      position += n;
    }
  }
}
