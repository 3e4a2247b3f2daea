package dev.shoal.store;

import dev.shoal.tensor.ContentId;
import java.io.IOException;
import java.nio.file.Path;

/** A stored blob whose bytes no longer hash to its id: the file was damaged or replaced. */
public class CorruptBlobException extends IOException {

  private final transient ContentId id;
  private final transient ContentId actual;

  public CorruptBlobException(ContentId id, Path path, ContentId actual) {
    super("blob " + id + " at " + path + " is corrupt: its bytes hash to " + actual
        + "; delete the file and store the content again");
    this.id = id;
    this.actual = actual;
  }

  public ContentId id() {
    return id;
  }

  public ContentId actual() {
    return actual;
  }
}
