package dev.shoal.ledger;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A ledger log file is damaged: a complete record fails its checksum, or a record that a signed
 * checkpoint covers is incomplete or missing, so records that were once committed can no longer
 * be trusted. Unlike a torn tail (a crash in the middle of an append, which the
 * log repairs on open) this is never repaired automatically.
 */
public final class LedgerCorruptedException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long recordIndex;
  private final long offset;

  public LedgerCorruptedException(Path file, long recordIndex, long offset, String problem) {
    super("ledger file " + file + " is corrupt at record " + recordIndex + " (byte offset " + offset + "): "
        + problem + "; records before it are intact; nothing was changed: restore the ledger directory from a backup"
        + " or a replica (see \"Restore a damaged ledger\" in docs/operations.md)");
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
