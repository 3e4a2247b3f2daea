package dev.shoal.store;

import dev.shoal.tensor.ContentId;
import java.io.IOException;
import java.nio.file.Path;

/** A blob that the store was asked for is not there. */
public class BlobNotFoundException extends IOException {

  private final transient ContentId id;

  public BlobNotFoundException(ContentId id, Path path) {
    super("blob " + id + " is not in the store (expected at " + path + ")");
    this.id = id;
  }

  public ContentId id() {
    return id;
  }
}
