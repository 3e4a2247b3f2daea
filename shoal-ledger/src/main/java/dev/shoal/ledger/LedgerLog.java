package dev.shoal.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, crash-safe log of ledger entries whose leaves form an RFC 9162 Merkle tree.
 *
 * <p>The log lives in one file, {@value #FILE_NAME}, inside its directory: an 8-byte magic
 * {@code SHOALLG1} followed by one record per entry. A record is
 * <pre>
 *   u32 length  (big-endian, of the entry bytes)
 *   u32 crc32c(length)            header checksum
 *   u32 crc32c(entry)             entry checksum
 *   entry bytes
 * </pre>
 * {@link #append} writes the whole record and forces it to disk before it returns, so an index
 * that was returned survives a crash. On {@link #open}, a record cut short by a crash during
 * an append (a torn tail: the file ends inside the last record, or in zero bytes) is cut off, and
 * a warning says how many bytes were dropped. Anything else is damage, a {@link
 * LedgerCorruptedException} naming the record: a complete record whose checksum fails (even the
 * last), or an incomplete record that a signed checkpoint covers.
 *
 * <p>The leaf of entry {@code i} is {@link MerkleTree#leafHash}{@code (entry(i))}; the log keeps
 * all leaf hashes in memory (32 bytes per entry) to answer roots and proofs for any size.
 *
 * <p>One process writes a log at a time: {@code open} takes an exclusive file lock and fails if
 * another holder has it. Methods are thread-safe.
 */
public final class LedgerLog implements Closeable {

  /** Name of the log file inside the log directory. */
  public static final String FILE_NAME = "ledger.log";

  /** Largest entry the log accepts, in bytes. */
  public static final int MAX_ENTRY_BYTES = 64 * 1024 * 1024;

  static final byte[] MAGIC = "SHOALLG1".getBytes(StandardCharsets.US_ASCII);
  static final int HEADER_BYTES = 12;

  private static final Logger log = LoggerFactory.getLogger(LedgerLog.class);

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final List<Long> offsets;
  private final List<byte[]> leafHashes;
  private long end;

  private LedgerLog(Path file, FileChannel channel, FileLock lock, List<Long> offsets, List<byte[]> leafHashes, long end) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.offsets = offsets;
    this.leafHashes = leafHashes;
    this.end = end;
  }

  /**
   * Opens the log in {@code dir}, creating the directory and an empty log if there is none.
   *
   * @throws LedgerCorruptedException if a record before the last one is damaged
   * @throws IOException if the file is not a Shoal ledger log, is locked by another writer, or
   *     cannot be read
   */
  public static LedgerLog open(Path dir) throws IOException {
    return open(dir, 0);
  }

  /**
   * Opens the log in {@code dir} as {@link #open(Path)} does, knowing that its first {@code
   * mustHold} entries are covered by a signed checkpoint (and perhaps cosigned by witnesses): an
   * incomplete last record among them was once complete, so the file was truncated or damaged,
   * and nothing is cut; a log that holds fewer entries is refused too.
   *
   * @throws LedgerCorruptedException if a record is damaged, or the log holds fewer than {@code
   *     mustHold} entries
   */
  public static LedgerLog open(Path dir, long mustHold) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      create(file);
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IOException("ledger file " + file + " is already open for writing by another log; "
          + "close it first (one writer per ledger)");
    }
    try {
      List<Long> offsets = new ArrayList<>();
      List<byte[]> hashes = new ArrayList<>();
      long end = scan(file, channel, offsets, hashes, null, mustHold);
      if (offsets.size() < mustHold) {
        throw new LedgerCorruptedException(file, offsets.size(), end, "the file ends after " + offsets.size()
            + " entries, but a signed checkpoint covers " + mustHold + ": the file was truncated");
      }
      log.debug("ledger opened file={} entries={} bytes={}", file, offsets.size(), end);
      return new LedgerLog(file, channel, lock, offsets, hashes, end);
    } catch (IOException | RuntimeException e) {
      lock.release();
      channel.close();
      throw e;
    }
  }

  /**
   * What a reader finds in a log file: the complete records' entries, and, when the file ends in
   * a record that is incomplete or fails its checksum, why (a writer would cut that tail on open).
   */
  public record Contents(List<byte[]> entries, Optional<String> damagedTail) {}

  /**
   * Reads every entry of the log in {@code dir} without changing anything or taking the writer's
   * lock: for verifiers. A damaged last record is reported, not cut: whether it is a crash in the
   * middle of an append or damage to a committed entry is for the reader to judge (for example
   * against a checkpoint that covers it).
   *
   * @throws LedgerCorruptedException naming the first damaged record before the last
   * @throws IOException if there is no Shoal ledger log in {@code dir} or it cannot be read
   */
  public static Contents read(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      throw new java.nio.file.NoSuchFileException(file.toString(), null, "no ledger log here");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      List<byte[]> entries = new ArrayList<>();
      List<String> tail = new ArrayList<>();
      scan(file, channel, new ArrayList<>(), new ArrayList<>(), new Reader(entries, tail), 0);
      return new Contents(entries, tail.stream().findFirst());
    }
  }

  /** A reader's scan: the entries it collects and the damaged tail it found, if any. */
  private record Reader(List<byte[]> entries, List<String> tail) {}

  private static void create(Path file) throws IOException {
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      writeFully(ch, ByteBuffer.wrap(MAGIC), 0);
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(file.getParent());
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for syncing; the rename is still atomic there.
      log.debug("directory sync skipped dir={} reason=\"{}\"", dir, e.getMessage());
    }
  }

  /**
   * Reads every record, fills offsets and leaf hashes, and returns the end offset. A writer
   * ({@code reader} null) cuts a torn tail; a reader collects the entries and notes it.
   */
  private static long scan(Path file, FileChannel ch, List<Long> offsets, List<byte[]> hashes, Reader reader,
      long mustHold) throws IOException {
    long size = ch.size();
    ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
    readFully(ch, magic, 0);
    if (magic.position() < MAGIC.length || !Arrays.equals(magic.array(), MAGIC)) {
      throw new IOException("file " + file + " is not a Shoal ledger log: it does not start with "
          + new String(MAGIC, StandardCharsets.US_ASCII));
    }
    long pos = MAGIC.length;
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    while (pos < size) {
      long index = offsets.size();
      long remaining = size - pos;
      if (remaining < HEADER_BYTES) {
        return tail(file, ch, index, pos, size, "incomplete record header", reader, mustHold);
      }
      header.clear();
      readFully(ch, header, pos);
      header.flip();
      int length = header.getInt();
      int headerCrc = header.getInt();
      int entryCrc = header.getInt();
      if (crc(ByteBuffer.allocate(4).putInt(length).array()) != headerCrc || length < 0 || length > MAX_ENTRY_BYTES) {
        if (allZero(ch, pos, size)) {
          return tail(file, ch, index, pos, size, "zero-filled record", reader, mustHold);
        }
        throw new LedgerCorruptedException(file, index, pos, "the record header checksum does not match");
      }
      long recordEnd = pos + HEADER_BYTES + length;
      if (recordEnd > size) {
        return tail(file, ch, index, pos, size, "incomplete entry", reader, mustHold);
      }
      ByteBuffer entry = ByteBuffer.allocate(length);
      readFully(ch, entry, pos + HEADER_BYTES);
      byte[] bytes = entry.array();
      if (crc(bytes) != entryCrc) {
        // A complete record was written whole: a checksum that fails means its bytes changed since.
        throw new LedgerCorruptedException(file, index, pos, recordEnd == size
            ? "the last record is complete but its entry checksum does not match (not a torn write: its bytes"
                + " changed after it was written)"
            : "the entry checksum does not match");
      }
      offsets.add(pos);
      hashes.add(MerkleTree.leafHash(bytes));
      if (reader != null) {
        reader.entries().add(bytes);
      }
      pos = recordEnd;
    }
    return pos;
  }

  private static long tail(Path file, FileChannel ch, long index, long pos, long size, String reason, Reader reader,
      long mustHold) throws IOException {
    if (index < mustHold) {
      throw new LedgerCorruptedException(file, index, pos, reason + " in record " + index + ", which a signed"
          + " checkpoint of " + mustHold + " entries covers: it was complete once, so the file was truncated or"
          + " damaged (not a torn write)");
    }
    if (reader != null) {
      reader.tail().add("record " + index + " at byte offset " + pos + ": " + reason);
      return pos;
    }
    return cutTail(file, ch, pos, size, reason);
  }

  private static long cutTail(Path file, FileChannel ch, long pos, long size, String reason) throws IOException {
    ch.truncate(pos);
    ch.force(true);
    log.warn("ledger torn tail cut file={} dropped_bytes={} kept_bytes={} reason=\"{}\"", file, size - pos, pos, reason);
    return pos;
  }

  private static boolean allZero(FileChannel ch, long from, long to) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8192);
    long pos = from;
    while (pos < to) {
      buf.clear();
      int n = ch.read(buf, pos);
      if (n <= 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (buf.get(i) != 0) {
          return false;
        }
      }
      pos += n;
    }
    return true;
  }

  /**
   * Appends an entry, forces it to disk and returns its index.
   *
   * @throws IllegalArgumentException if the entry is larger than {@link #MAX_ENTRY_BYTES}
   */
  public synchronized long append(byte[] entry) throws IOException {
    ensureOpen();
    if (entry.length > MAX_ENTRY_BYTES) {
      throw new IllegalArgumentException("ledger entry has " + entry.length + " bytes: at most "
          + MAX_ENTRY_BYTES + " are allowed");
    }
    ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + entry.length);
    record.putInt(entry.length);
    record.putInt(crc(ByteBuffer.allocate(4).putInt(entry.length).array()));
    record.putInt(crc(entry));
    record.put(entry);
    record.flip();
    try {
      writeFully(channel, record, end);
      channel.force(false);
    } catch (IOException e) {
      // Leave no partial record behind a later, shorter one: that would read as damage.
      try {
        channel.truncate(end);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    long index = offsets.size();
    offsets.add(end);
    leafHashes.add(MerkleTree.leafHash(entry));
    end += HEADER_BYTES + entry.length;
    return index;
  }

  /** The number of entries in the log. */
  public synchronized long size() {
    return offsets.size();
  }

  /** The bytes of entry {@code i}, read back from the file. */
  public synchronized byte[] entry(long i) throws IOException {
    ensureOpen();
    int index = checkIndex(i);
    long pos = offsets.get(index);
    long next = index + 1 < offsets.size() ? offsets.get(index + 1) : end;
    ByteBuffer buf = ByteBuffer.allocate((int) (next - pos - HEADER_BYTES));
    readFully(channel, buf, pos + HEADER_BYTES);
    return buf.array();
  }

  /** The RFC 9162 leaf hash of entry {@code i}. */
  public synchronized byte[] leafHash(long i) {
    return MerkleTree.copy(leafHashes.get(checkIndex(i)));
  }

  /** The root of the tree of all entries. */
  public synchronized byte[] root() {
    return MerkleTree.root(leafHashes);
  }

  /** The root of the tree of the first {@code size} entries, {@code 0 <= size <= size()}. */
  public synchronized byte[] root(long size) {
    return MerkleTree.root(leafHashes.subList(0, checkSize(size)));
  }

  /** A checkpoint of the whole log as it is now: its size and root, read together. */
  public synchronized Checkpoint checkpoint(String origin) {
    return new Checkpoint(origin, leafHashes.size(), root());
  }

  /** The inclusion proof of entry {@code index} in the tree of the first {@code size} entries. */
  public synchronized List<byte[]> inclusionProof(long index, long size) {
    checkSize(size);
    return MerkleTree.inclusionProof(leafHashes, index, size);
  }

  /** The consistency proof between the trees of the first {@code m} and the first {@code n} entries. */
  public synchronized List<byte[]> consistencyProof(long m, long n) {
    checkSize(n);
    return MerkleTree.consistencyProof(leafHashes, m, n);
  }

  /** The log file. */
  public Path file() {
    return file;
  }

  @Override
  public synchronized void close() throws IOException {
    if (channel.isOpen()) {
      lock.release();
      channel.close();
    }
  }

  private int checkIndex(long i) {
    if (i < 0 || i >= offsets.size()) {
      throw new IndexOutOfBoundsException("entry index " + i + " is out of range: the log has "
          + offsets.size() + " entries (allowed 0.." + (offsets.size() - 1) + ")");
    }
    return (int) i;
  }

  private int checkSize(long size) {
    if (size < 0 || size > offsets.size()) {
      throw new IllegalArgumentException("tree size " + size + " is out of range: the log has "
          + offsets.size() + " entries (allowed 0.." + offsets.size() + ")");
    }
    return (int) size;
  }

  private void ensureOpen() throws IOException {
    if (!channel.isOpen()) {
      throw new IOException("ledger file " + file + " is closed");
    }
  }

  private static int crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + buf.position());
      if (n < 0) {
        return;
      }
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    long p = pos;
    while (buf.hasRemaining()) {
      p += ch.write(buf, p);
    }
  }
}
