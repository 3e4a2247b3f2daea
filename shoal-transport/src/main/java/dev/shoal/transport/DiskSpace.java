package dev.shoal.transport;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The coordinator's answer to a full disk: an upload it has no room for fails at once with
 * {@code RESOURCE_EXHAUSTED} and a reason, which a node takes as "retry a little later, then
 * report", instead of an internal error the node cannot tell from a bug.
 */
public final class DiskSpace {

  /** Room kept free beyond what an upload needs, for the round's model and the database. */
  static final long RESERVE_BYTES = 1 << 20;

  private DiskSpace() {}

  /**
   * The free space a round needs for {@code updates} uploads of {@code bytes} each to be taken one
   * after another by {@link #requireRoom}: the last still finds twice its size and the reserve free.
   */
  public static long forUploads(long bytes, int updates) {
    return Math.addExact(Math.multiplyExact(Math.max(updates, 1) + 1L, Math.max(bytes, 0)), RESERVE_BYTES);
  }

  /**
   * Refuses an upload of {@code bytes} into {@code dir} unless its file system has room for it
   * twice (the upload, and the model the round will write) and {@code reserve} bytes more.
   */
  static void requireRoom(Path dir, long bytes, long reserve) {
    long free;
    try {
      free = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return; // cannot tell: let the write itself find out
    }
    long needed = Math.addExact(2 * Math.min(Math.max(bytes, 0), Long.MAX_VALUE / 4), Math.min(reserve, Long.MAX_VALUE / 2));
    if (free < needed) {
      throw Status.RESOURCE_EXHAUSTED.withDescription(("no space for the upload: the coordinator's state directory"
          + " has %d bytes free, an upload of %d bytes needs %d; free space there").formatted(free, bytes, needed))
          .asRuntimeException();
    }
  }

  /** Whether a write failed because the disk (or the user's quota) is full. */
  static boolean isFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }

  /** The status of a failed write: {@code RESOURCE_EXHAUSTED} for a full disk, else {@code INTERNAL}. */
  static StatusRuntimeException status(Exception e) {
    if (e instanceof StatusRuntimeException s) {
      return s;
    }
    return isFull(e)
        ? Status.RESOURCE_EXHAUSTED.withDescription("no space left in the coordinator's state directory;"
            + " it keeps serving, retry later").asRuntimeException()
        : Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException();
  }
}
