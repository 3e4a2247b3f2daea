package dev.shoal.transport;

import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import java.io.IOException;
import java.io.InputStream;

/**
 * The blob downloaded last, held in memory: in a round every node downloads the same model, so it
 * is read from disk once instead of once per node. Blobs larger than {@link #MAX_BYTES} are not
 * held. Like a streamed blob, the bytes are not verified here: the node checks them against the id.
 */
final class LastDownload {

  static final long MAX_BYTES = 64L << 20;

  private record Held(ContentId id, byte[] bytes) {}

  private final BlobStore blobs;
  private volatile Held held;

  LastDownload(BlobStore blobs) {
    this.blobs = blobs;
  }

  /** The blob's bytes, read now unless it is the one held; null when it is too large to hold. */
  byte[] bytes(ContentId id) throws IOException {
    Held h = held;
    if (h != null && h.id().equals(id)) {
      return h.bytes();
    }
    if (blobs.size(id) > MAX_BYTES) {
      return null;
    }
    byte[] bytes;
    try (InputStream in = blobs.open(id)) {
      bytes = in.readAllBytes();
    }
    held = new Held(id, bytes);
    return bytes;
  }
}
