package dev.shoal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A coordinator's state directory ({@code --state-dir}): the run store ({@code state.db}) and
 * the blob store ({@code blobs/}), held by one process at a time through a lock on {@code
 * DIR/lock} that the operating system releases when the process ends, however it ends.
 */
public final class StateDirectory implements AutoCloseable {

  /** The lock file's name inside the state directory. */
  public static final String LOCK_FILE = "lock";

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final BlobStore blobs;
  private final RunStore runs;

  private StateDirectory(Path dir, FileChannel lockChannel, FileLock lock, BlobStore blobs, RunStore runs) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.blobs = blobs;
    this.runs = runs;
  }

  /**
   * Opens (creating if needed) a state directory, refusing one that another process holds, and
   * removes temporary files a killed writer left behind.
   */
  public static StateDirectory open(Path dir) throws IOException {
    Path root = dir.toAbsolutePath();
    Files.createDirectories(root);
    // readable by this user only: the database first, so SQLite gives its journal the same mode
    dev.shoal.io.OwnerOnly.createFile(root.resolve(RunStore.FILE_NAME));
    dev.shoal.io.OwnerOnly.restrict(root);
    Path lockFile = root.resolve(LOCK_FILE);
    dev.shoal.io.OwnerOnly.createFile(lockFile);
    FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new StoreException("state directory " + root + " is in use by another Shoal process"
          + " (it holds " + lockFile + "); stop that process or choose another state directory");
    }
    try {
      BlobStore blobs = BlobStore.open(root);
      blobs.removeTemporaryFiles();
      RunStore runs = RunStore.open(root);
      dev.shoal.io.OwnerOnly.restrict(root); // what opening created: the blob store's directories, the journal
      return new StateDirectory(root, channel, lock, blobs, runs);
    } catch (IOException | RuntimeException e) {
      lock.release();
      channel.close();
      throw e;
    }
  }

  public Path dir() {
    return dir;
  }

  public BlobStore blobs() {
    return blobs;
  }

  public RunStore runs() {
    return runs;
  }

  @Override
  public void close() throws IOException {
    try {
      runs.close();
    } finally {
      try {
        lock.release();
      } finally {
        lockChannel.close();
      }
    }
  }
}
