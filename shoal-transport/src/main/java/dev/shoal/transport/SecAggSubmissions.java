package dev.shoal.transport;

import dev.shoal.round.RemoteClients;
import dev.shoal.store.BlobNotFoundException;
import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.transport.proto.Receipt;
import dev.shoal.transport.proto.SecAggAnswer;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;

/**
 * The replies an authorized node sends to the stages of secure aggregation. An inline reply is
 * bounded by {@link Wire#SECAGG_INLINE_BYTES}; a reply uploaded as a blob is read whole (it is
 * bounded by the upload limit) and then deleted from the blob store, whatever the verdict.
 */
final class SecAggSubmissions {

  private final RemoteClients clients;
  private final BlobStore blobs;
  private final ServedModel model;

  SecAggSubmissions(RemoteClients clients, BlobStore blobs, ServedModel model) {
    this.clients = clients;
    this.blobs = blobs;
    this.model = model;
  }

  /**
   * Hands {@code request}'s reply to the engine and answers on {@code out}. A reply uploaded as a
   * blob is marked referenced in {@code uploads} and may be at most {@code maxUploadBytes} long.
   */
  void submit(SecAggAnswer request, StreamObserver<Receipt> out, UploadAccounts uploads, long maxUploadBytes) {
    if (request.getStage().isBlank()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("a secure-aggregation answer must name its stage")
          .asRuntimeException());
      return;
    }
    byte[] bytes;
    switch (request.getReplyCase()) {
      case INLINE -> {
        if (request.getInline().size() > Wire.SECAGG_INLINE_BYTES) {
          out.onError(Status.INVALID_ARGUMENT.withDescription(
              "inline secure-aggregation reply of %d bytes exceeds %d bytes; upload it as a blob".formatted(
                  request.getInline().size(), Wire.SECAGG_INLINE_BYTES)).asRuntimeException());
          return;
        }
        bytes = request.getInline().toByteArray();
        clients.recordTraffic(0, request.getSerializedSize());
      }
      case BLOB -> {
        ContentId id = Wire.contentId(request.getBlob());
        try {
          bytes = readAndDelete(id, maxUploadBytes);
          uploads.referenced(id);
        } catch (BlobNotFoundException e) {
          out.onError(Wire.notFound("secure-aggregation reply " + id + " was not uploaded"));
          return;
        } catch (IOException e) {
          out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
          return;
        }
      }
      default -> {
        out.onError(Status.INVALID_ARGUMENT.withDescription("a secure-aggregation answer needs a reply")
            .asRuntimeException());
        return;
      }
    }
    try {
      Wire.reply(out, Wire.receipt(clients.submitSecAgg(request.getNode(), request.getRound(), request.getStage(),
          bytes)));
    } catch (IllegalArgumentException e) {
      out.onError(Wire.notFound(e.getMessage()));
    }
  }

  /** Reads an uploaded reply and removes it from the store, unless it is the current global model. */
  private byte[] readAndDelete(ContentId id, long maxUploadBytes) throws IOException {
    long size = blobs.size(id);
    if (size > Math.min(maxUploadBytes, Integer.MAX_VALUE - 8)) {
      throw new IOException("secure-aggregation reply of %d bytes is too large".formatted(size));
    }
    byte[] bytes = blobs.read(id);
    model.deleteUnlessModel(id);
    return bytes;
  }
}
