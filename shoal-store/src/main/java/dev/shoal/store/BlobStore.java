package dev.shoal.store;

import dev.shoal.io.AtomicFile;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.SafetensorsFile;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed files: the blob with id {@code sha256:abcd...} lives at {@code
 * blobs/sha256/ab/cd...} under the store's directory. Every write is atomic (a temporary file,
 * flushed to disk, renamed into place), so a blob is either absent or complete; storing the same
 * content twice is a no-op.
 */
public final class BlobStore {

  private static final Logger log = LoggerFactory.getLogger(BlobStore.class);
  private static final String TMP_SUFFIX = ".tmp";

  private final Path root;
  private final Path tmp;

  private BlobStore(Path root) {
    this.root = root;
    this.tmp = root.resolve("tmp");
  }

  /** Opens (creating if needed) the blob store under {@code dir/blobs}. */
  public static BlobStore open(Path dir) throws IOException {
    Path root = dir.toAbsolutePath().resolve("blobs");
    Files.createDirectories(root.resolve("sha256"));
    Files.createDirectories(root.resolve("tmp"));
    return new BlobStore(root);
  }

  /** The directory holding the blobs ({@code dir/blobs}). */
  public Path root() {
    return root;
  }

  /** Where the blob with this id is (or would be) stored. */
  public Path path(ContentId id) {
    String hex = id.value().substring("sha256:".length());
    return root.resolve("sha256").resolve(hex.substring(0, 2)).resolve(hex.substring(2));
  }

  /** Stores {@code bytes} and returns their id. */
  public ContentId put(byte[] bytes) throws IOException {
    ContentId id = ContentId.of(bytes);
    Path target = path(id);
    if (isComplete(target, bytes.length)) {
      return id;
    }
    Files.createDirectories(target.getParent(), dev.shoal.io.OwnerOnly.directoryAttributes());
    AtomicFile.write(target, bytes);
    log.debug("blob stored id={} bytes={}", id, bytes.length);
    return id;
  }

  /**
   * Stores everything {@code in} yields and returns its id. The stream is hashed while it is
   * copied to a temporary file, so it is never held in memory as a whole.
   */
  public ContentId put(InputStream in) throws IOException {
    return put(in::transferTo);
  }

  /**
   * Stores what {@code content} writes and returns its id. The bytes are hashed while they go to
   * a temporary file, so they are never held in memory as a whole.
   */
  public ContentId put(AtomicFile.Content content) throws IOException {
    Path temp = createTemp();
    boolean moved = false;
    try {
      MessageDigest sha256 = ContentId.sha256();
      long size;
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        var counted = new CountingOutputStream(Channels.newOutputStream(channel));
        OutputStream out = new BufferedOutputStream(new DigestOutputStream(counted, sha256), 1 << 16);
        content.writeTo(out);
        out.flush();
        size = counted.count();
        channel.force(true);
      }
      ContentId id = ContentId.of(sha256);
      Path target = path(id);
      if (!isComplete(target, size)) {
        Files.createDirectories(target.getParent(), dev.shoal.io.OwnerOnly.directoryAttributes());
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        moved = true;
        syncDirectory(target.getParent());
        log.debug("blob stored id={} bytes={}", id, size);
      }
      return id;
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * A new empty temporary file inside the store, for a writer that hashes as it writes and then
   * calls {@link #moveIn}; left-overs are removed by {@link #removeTemporaryFiles}.
   */
  public Path newTemporaryFile() throws IOException {
    return createTemp();
  }

  /**
   * Makes {@code file} (from {@link #newTemporaryFile}), whose bytes the caller has hashed to
   * {@code id}, the blob with that id: flushed to disk, then renamed into place.
   */
  public void moveIn(Path file, ContentId id) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Path target = path(id);
    Files.createDirectories(target.getParent(), dev.shoal.io.OwnerOnly.directoryAttributes());
    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(target.getParent());
    log.debug("blob stored id={} bytes={}", id, Files.size(target));
  }

  /** Stores a model in its canonical safetensors encoding; the id equals {@link ContentId#of(ParameterSet)}. */
  public ContentId putModel(ParameterSet model) throws IOException {
    return put(out -> Safetensors.write(model, out));
  }

  public boolean contains(ContentId id) {
    return Files.isRegularFile(path(id));
  }

  /** The blob's size in bytes. */
  public long size(ContentId id) throws IOException {
    Path file = path(id);
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(id, file);
    }
  }

  /**
   * Opens the blob for streaming. The bytes are not verified as they are read; use {@link
   * #verify} or {@link #read} when that matters.
   */
  public InputStream open(ContentId id) throws IOException {
    Path file = path(id);
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(id, file);
    }
  }

  /** Reads the whole blob and checks that it still hashes to its id. */
  public byte[] read(ContentId id) throws IOException {
    Path file = path(id);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(id, file);
    }
    ContentId actual = ContentId.of(bytes);
    if (!actual.equals(id)) {
      throw new CorruptBlobException(id, file, actual);
    }
    return bytes;
  }

  /** Checks, streaming, that the blob is present and hashes to its id. */
  public void verify(ContentId id) throws IOException {
    MessageDigest sha256 = ContentId.sha256();
    try (InputStream in = open(id);
        OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha256)) {
      in.transferTo(out);
    }
    ContentId actual = ContentId.of(sha256);
    if (!actual.equals(id)) {
      throw new CorruptBlobException(id, path(id), actual);
    }
  }

  /** Reads and verifies a model stored with {@link #putModel}, one tensor at a time. */
  public ParameterSet readModel(ContentId id) throws IOException {
    verify(id);
    return openModel(id).load();
  }

  /**
   * A view of a stored model whose tensors are read from disk on demand; its header is checked
   * now, its hash is not (blobs are verified when they are stored).
   */
  public SafetensorsFile openModel(ContentId id) throws IOException {
    if (!contains(id)) {
      throw new BlobNotFoundException(id, path(id));
    }
    return SafetensorsFile.open(path(id), id);
  }

  /** Deletes a blob if present. */
  public void delete(ContentId id) throws IOException {
    Files.deleteIfExists(path(id));
  }

  /**
   * Deletes temporary files left by writers that were killed mid-write. Call only while no other
   * process writes to this store.
   *
   * @return how many files were deleted
   */
  public int removeTemporaryFiles() throws IOException {
    int removed = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        boolean temporary = file.startsWith(tmp) ? !file.equals(tmp) : name.startsWith(".") && name.endsWith(TMP_SUFFIX);
        if (temporary && Files.isRegularFile(file) && Files.deleteIfExists(file)) {
          removed++;
        }
      }
    }
    if (removed > 0) {
      log.info("blob temporaries removed count={} dir={}", removed, root);
    }
    return removed;
  }

  /**
   * Deletes every blob not in {@code keep}: uploads no result names and models no round names,
   * left by a process that stopped before it could collect them. Call only while no other
   * process writes to this store.
   */
  public Collected retainOnly(Set<ContentId> keep) throws IOException {
    int count = 0;
    long bytes = 0;
    try (Stream<Path> files = Files.walk(root.resolve("sha256"), 2)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path shard = file.getParent();
        if (!Files.isRegularFile(file) || shard.getParent() == null || !shard.getParent().endsWith("sha256")) {
          continue;
        }
        Optional<ContentId> id = blobId(shard.getFileName().toString() + file.getFileName());
        if (id.isPresent() && !keep.contains(id.get())) {
          long size = Files.size(file);
          if (Files.deleteIfExists(file)) {
            count++;
            bytes += size;
          }
        }
      }
    }
    if (count > 0) {
      log.info("unreferenced blobs removed count={} bytes={} dir={}", count, bytes, root);
    }
    return new Collected(count, bytes);
  }

  /** The id of the blob whose hex digest is {@code hex}; empty for a file that is not a blob (left alone). */
  private static Optional<ContentId> blobId(String hex) {
    try {
      return Optional.of(new ContentId("sha256:" + hex));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** What {@link #retainOnly} deleted. */
  public record Collected(int blobs, long bytes) {}

  /** True if a file is at {@code target} with the expected size (a blob is never partial). */
  private static boolean isComplete(Path target, long size) throws IOException {
    try {
      return Files.size(target) == size;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private Path createTemp() throws IOException {
    while (true) {
      Path temp = tmp.resolve("%016x%s".formatted(ThreadLocalRandom.current().nextLong(), TMP_SUFFIX));
      try {
        return Files.createFile(temp, dev.shoal.io.OwnerOnly.fileAttributes());
      } catch (FileAlreadyExistsException e) {
        // another writer drew the same name: draw again
      }
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // not supported here (e.g. Windows); the rename itself is still atomic
    }
  }

  /** Counts the bytes written through it. */
  private static final class CountingOutputStream extends FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }
  }
}
