package dev.shoal.transport;

import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import java.io.IOException;

/**
 * The global model the nodes are sent, as a blob: stored once however many nodes poll for it, and
 * never deleted as though it were an upload of the same content.
 */
final class ServedModel {

  private final BlobStore blobs;
  private ParameterSet lastModel;
  private ContentId lastModelId;

  ServedModel(BlobStore blobs) {
    this.blobs = blobs;
  }

  /** Stores a global model once, however many nodes poll for it. */
  synchronized ContentId store(ParameterSet model) throws IOException {
    if (model != lastModel) {
      lastModelId = blobs.putModel(model);
      lastModel = model;
    }
    return lastModelId;
  }

  /** Deletes the blob {@code id} from the store, unless it is the current global model. */
  synchronized void deleteUnlessModel(ContentId id) throws IOException {
    if (!id.equals(lastModelId)) {
      blobs.delete(id);
    }
  }
}
