package dev.shoal.transport;

import dev.shoal.tensor.ContentId;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.tls.CallerIdentity;
import dev.shoal.transport.tls.Identity;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * What the first chunk of an upload must say before a byte is stored: a content id, a size within
 * the limit, and the uploading node — its certificate's name under TLS — which must hold work
 * that takes an upload and room under its limit of unreferenced bytes ({@link UploadAccounts}).
 */
final class UploadCheck {

  /** An upload allowed to start. */
  record Admitted(String node, ContentId id, long declaredSize) {}

  private UploadCheck() {}

  static Admitted first(Chunk chunk, long maxUploadBytes, UploadAccounts accounts) {
    String problem = RequestCheck.contentId("content_id", chunk.getContentId());
    if (problem != null) {
      throw invalid(problem);
    }
    long size = chunk.getTotalSize();
    if (size < 0) {
      throw invalid("total_size " + size + " is negative");
    }
    if (size > maxUploadBytes) {
      throw invalid("total_size %d exceeds the upload limit of %d bytes".formatted(size, maxUploadBytes));
    }
    String node = node(chunk);
    var refusal = accounts.admit(node, size, maxUploadBytes);
    if (refusal.isPresent()) {
      throw (refusal.get().exhausted() ? Status.RESOURCE_EXHAUSTED : Status.FAILED_PRECONDITION)
          .withDescription(refusal.get().reason()).asRuntimeException();
    }
    return new Admitted(node, new ContentId(chunk.getContentId()), size);
  }

  /** The uploading node: the caller's certificate name, or in plaintext the name the chunk gives. */
  private static String node(Chunk chunk) {
    Identity caller = CallerIdentity.current();
    String named = chunk.getNode();
    if (!named.isEmpty() && RequestCheck.node(named) != null) {
      throw invalid(RequestCheck.node(named));
    }
    if (caller == null) {
      return named.isEmpty() ? null : named;
    }
    if (!named.isEmpty() && !named.equals(caller.name())) {
      throw Status.PERMISSION_DENIED.withDescription(
          "the certificate of '" + caller.name() + "' cannot upload for node '" + named + "'").asRuntimeException();
    }
    return caller.name();
  }

  private static StatusRuntimeException invalid(String reason) {
    return Status.INVALID_ARGUMENT.withDescription(reason).asRuntimeException();
  }
}
