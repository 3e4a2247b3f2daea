package dev.shoal.ledger;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A ledger log file is damaged before its last record, so records that were once committed
 * can no longer be trusted. Unlike a torn tail (a crash in the middle of an append, which the
 * log repairs on open) this is never repaired automatically.
 */
public final class LedgerCorruptedException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long recordIndex;
  private final long offset;

  public LedgerCorruptedException(Path file, long recordIndex, long offset, String problem) {
    super("ledger file " + file + " is corrupt at record " + recordIndex + " (byte offset " + offset + "): "
        + problem + "; records before it are intact, restore the file from a backup or a replica");
    this.file = file;
    this.recordIndex = recordIndex;
    this.offset = offset;
  }

  /** The damaged file. */
  public Path file() {
    return file;
  }

  /** The zero-based index of the first record that is damaged. */
  public long recordIndex() {
    return recordIndex;
  }

  /** The byte offset in the file where that record starts. */
  public long offset() {
    return offset;
  }
}
