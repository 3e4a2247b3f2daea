package dev.shoal.transport;

import dev.shoal.round.RemoteClients;
import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.UploadReply;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes an upload to a temporary file in the blob store, hashing it on the way, then moves it in. */
final class ChunkReceiver implements StreamObserver<Chunk> {

  private static final Logger log = LoggerFactory.getLogger(ChunkReceiver.class);

  private final StreamObserver<UploadReply> out;
  private final BlobStore blobs;
  private final RemoteClients clients;
  private final long maxUploadBytes;
  private final long reserveBytes;
  private Path tmp;
  private OutputStream file;
  private ContentId claimed;
  private final MessageDigest sha256 = ContentId.sha256();
  private long expectedOffset;
  private boolean failed;

  ChunkReceiver(StreamObserver<UploadReply> out, BlobStore blobs, RemoteClients clients, long maxUploadBytes,
      long reserveBytes) {
    this.reserveBytes = reserveBytes;
    this.out = out;
    this.blobs = blobs;
    this.clients = clients;
    this.maxUploadBytes = maxUploadBytes;
  }

  @Override
  public void onNext(Chunk chunk) {
    if (failed) {
      return;
    }
    try {
      if (claimed == null) {
        claimed = Wire.contentId(chunk.getContentId());
        DiskSpace.requireRoom(blobs.root(), chunk.getTotalSize(), reserveBytes);
        tmp = blobs.newTemporaryFile();
        file = Files.newOutputStream(tmp);
      }
      if (expectedOffset + chunk.getData().size() > maxUploadBytes) {
        throw Status.INVALID_ARGUMENT.withDescription(
            "upload exceeds the limit of %d bytes".formatted(maxUploadBytes)).asRuntimeException();
      }
      if (chunk.getOffset() != expectedOffset) {
        throw Status.INVALID_ARGUMENT.withDescription(
            "chunk at offset %d, expected %d".formatted(chunk.getOffset(), expectedOffset)).asRuntimeException();
      }
      chunk.getData().writeTo(file);
      for (ByteBuffer b : chunk.getData().asReadOnlyByteBufferList()) {
        sha256.update(b);
      }
      expectedOffset += chunk.getData().size();
      clients.recordTraffic(0, chunk.getSerializedSize());
    } catch (IOException | RuntimeException e) {
      abort(DiskSpace.status(e));
    }
  }

  @Override
  public void onError(Throwable t) {
    cleanUp();
  }

  @Override
  public void onCompleted() {
    if (failed) {
      return;
    }
    try {
      if (claimed == null) {
        throw Status.INVALID_ARGUMENT.withDescription("empty upload: the first chunk must name the content id")
            .asRuntimeException();
      }
      file.close();
      boolean present = blobs.contains(claimed);
      ContentId actual = ContentId.of(sha256);
      if (!actual.equals(claimed)) {
        throw Status.INVALID_ARGUMENT.withDescription(
            "upload claimed %s but its bytes hash to %s".formatted(claimed, actual)).asRuntimeException();
      }
      if (!present) {
        blobs.moveIn(tmp, actual);
      }
      cleanUp();
      out.onNext(UploadReply.newBuilder().setContentId(actual.value()).setAlreadyPresent(present).build());
      out.onCompleted();
    } catch (IOException | RuntimeException e) {
      abort(DiskSpace.status(e));
    }
  }

  private void abort(io.grpc.StatusRuntimeException e) {
    failed = true;
    log.warn("upload rejected content_id={} reason=\"{}\"", claimed, e.getStatus().getDescription());
    cleanUp();
    out.onError(e);
  }

  private void cleanUp() {
    try {
      if (file != null) {
        file.close();
      }
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException ignored) {
      // a temporary file left behind is removed when the state directory is next opened
    }
  }
}
