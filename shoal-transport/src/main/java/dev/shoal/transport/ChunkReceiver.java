package dev.shoal.transport;

import dev.shoal.round.RemoteClients;
import dev.shoal.store.BlobStore;
import dev.shoal.store.UnbufferedFile;
import dev.shoal.tensor.ContentId;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.UploadReply;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
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
  private final UploadAccounts accounts;
  private String node;
  private long declaredSize;
  private final long reserveBytes;
  private Path tmp;
  private UnbufferedFile file;
  private ContentId claimed;
  private final MessageDigest sha256 = ContentId.sha256();
  private long expectedOffset;
  private boolean failed;

  ChunkReceiver(StreamObserver<UploadReply> out, BlobStore blobs, RemoteClients clients, long maxUploadBytes,
      UploadAccounts accounts, long reserveBytes) {
    this.reserveBytes = reserveBytes;
    this.out = out;
    this.blobs = blobs;
    this.clients = clients;
    this.maxUploadBytes = maxUploadBytes;
    this.accounts = accounts;
  }

  @Override
  public void onNext(Chunk chunk) {
    if (failed) {
      return;
    }
    try {
      if (claimed == null) {
        UploadCheck.Admitted admitted = UploadCheck.first(chunk, maxUploadBytes, accounts);
        node = admitted.node();
        declaredSize = admitted.declaredSize();
        claimed = admitted.id();
        DiskSpace.requireRoom(blobs.root(), declaredSize, reserveBytes);
        tmp = blobs.newTemporaryFile();
        file = UnbufferedFile.open(tmp);
      }
      if (expectedOffset + chunk.getData().size() > declaredSize) {
        throw Status.INVALID_ARGUMENT.withDescription("upload sends more than the %d bytes it declared"
            .formatted(declaredSize)).asRuntimeException();
      }
      if (expectedOffset + chunk.getData().size() > maxUploadBytes) {
        throw Status.INVALID_ARGUMENT.withDescription(
            "upload exceeds the limit of %d bytes".formatted(maxUploadBytes)).asRuntimeException();
      }
      if (chunk.getOffset() != expectedOffset) {
        throw Status.INVALID_ARGUMENT.withDescription(
            "chunk at offset %d, expected %d".formatted(chunk.getOffset(), expectedOffset)).asRuntimeException();
      }
      // the data may be a view of network buffers (InPlaceChunks): hashed and written from there, not copied
      ByteBuffer[] parts = chunk.getData().asReadOnlyByteBufferList().toArray(ByteBuffer[]::new);
      for (ByteBuffer b : parts) {
        sha256.update(b.duplicate());
      }
      file.write(parts);
      expectedOffset += chunk.getData().size();
      clients.recordTraffic(0, chunk.getSerializedSize());
    } catch (IOException | RuntimeException e) {
      abort(e instanceof io.grpc.StatusRuntimeException s ? s : DiskSpace.isFull(e) ? DiskSpace.status(e) : stored(e));
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
      file.finish();
      file.close();
      if (expectedOffset != declaredSize) {
        throw Status.INVALID_ARGUMENT.withDescription("upload ended after %d of the %d bytes it declared"
            .formatted(expectedOffset, declaredSize)).asRuntimeException();
      }
      boolean present = blobs.contains(claimed);
      ContentId actual = ContentId.of(sha256);
      if (!actual.equals(claimed)) {
        throw Status.INVALID_ARGUMENT.withDescription(
            "upload claimed %s but its bytes hash to %s".formatted(claimed, actual)).asRuntimeException();
      }
      if (!present) {
        blobs.moveIn(tmp, actual);
        accounts.added(node, actual, expectedOffset);
      }
      cleanUp();
      out.onNext(UploadReply.newBuilder().setContentId(actual.value()).setAlreadyPresent(present).build());
      out.onCompleted();
    } catch (IOException | RuntimeException e) {
      abort(e instanceof io.grpc.StatusRuntimeException s ? s : DiskSpace.isFull(e) ? DiskSpace.status(e) : stored(e));
    }
  }

  /** A failure of the coordinator's own storage: logged in full here, named only by its kind to the node. */
  private io.grpc.StatusRuntimeException stored(Exception e) {
    log.error("cannot store an upload node={} content_id={} error={} reason=\"{}\"", node, claimed,
        e.getClass().getSimpleName(), e.getMessage());
    return Status.INTERNAL.withDescription("the coordinator cannot store the upload (" + e.getClass().getSimpleName()
        + "); it logged why").asRuntimeException();
  }

  private void abort(io.grpc.StatusRuntimeException e) {
    failed = true;
    log.warn("upload rejected node={} content_id={} reason=\"{}\"", node, claimed, e.getStatus().getDescription());
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
