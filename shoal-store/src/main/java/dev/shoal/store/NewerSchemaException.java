package dev.shoal.store;

import java.nio.file.Path;

/** The state database was written by a newer Shoal whose schema this one does not know. */
public class NewerSchemaException extends StoreException {

  public NewerSchemaException(Path file, int found, int supported) {
    super("state database " + file + " has schema version " + found
        + ", newer than the version this Shoal understands (" + supported
        + "); run a Shoal at least as new as the one that wrote it, or use another state directory");
  }
}
