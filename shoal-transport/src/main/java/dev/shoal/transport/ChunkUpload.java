package dev.shoal.transport;

import dev.shoal.tensor.ContentId;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.UploadReply;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The client's half of an upload stream with flow control: the sender waits until gRPC can take
 * another chunk, so at most a few chunks are buffered whatever the blob's size.
 */
final class ChunkUpload implements ClientResponseObserver<Chunk, UploadReply> {

  private final CompletableFuture<UploadReply> done = new CompletableFuture<>();
  private ClientCallStreamObserver<Chunk> requests;

  @Override
  public void beforeStart(ClientCallStreamObserver<Chunk> requests) {
    this.requests = requests;
    requests.setOnReadyHandler(this::wake);
  }

  private synchronized void wake() {
    notifyAll();
  }

  /** Blocks until the stream can take a chunk, or the call has ended. */
  synchronized void awaitReady() throws IOException {
    try {
      while (!requests.isReady() && !done.isDone()) {
        wait(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while uploading");
    }
    if (done.isCompletedExceptionally()) {
      await(null);
    }
  }

  /** Waits for the coordinator's reply to the upload of {@code id}. */
  void await(ContentId id) throws IOException {
    try {
      done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while uploading " + id);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException s ? GrpcCoordinatorLink.asIo(s) : new IOException(e.getCause());
    }
  }

  @Override
  public void onNext(UploadReply value) {
    done.complete(value);
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
    wake();
  }

  @Override
  public void onCompleted() {
    done.complete(null);
    wake();
  }
}
