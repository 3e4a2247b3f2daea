package dev.shoal.transport;

import com.google.protobuf.UnsafeByteOperations;
import dev.shoal.round.RemoteClients;
import dev.shoal.transport.proto.Chunk;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InputStream;

/** Sends a blob in chunks as fast as the receiver takes them (gRPC flow control). */
final class ChunkSender {
  interface Opener {
    InputStream open() throws IOException;
  }

  private final RemoteClients clients;
  private final ServerCallStreamObserver<Chunk> out;
  private final Opener opener;
  private final long start;
  private InputStream in;
  private long offset;
  private boolean done;

  ChunkSender(RemoteClients clients, ServerCallStreamObserver<Chunk> out, Opener opener, long start) {
    this.clients = clients;
    this.out = out;
    this.opener = opener;
    this.start = start;
  }

  void start() {
    try {
      in = opener.open();
      in.skipNBytes(start);
      offset = start;
    } catch (IOException e) {
      out.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    out.setOnCancelHandler(this::close);
    out.setOnReadyHandler(this::pump);
  }

  private synchronized void pump() {
    try {
      while (!done && out.isReady()) {
        byte[] buf = in.readNBytes(Wire.CHUNK_BYTES);
        if (buf.length > 0) {
          // buf is this chunk's own array, never written again: the message wraps it instead of copying it
          Chunk c = Chunk.newBuilder().setOffset(offset).setData(UnsafeByteOperations.unsafeWrap(buf)).build();
          out.onNext(c);
          if (clients != null) {
            clients.recordTraffic(c.getSerializedSize(), 0);
          }
          offset += buf.length;
        }
        if (buf.length < Wire.CHUNK_BYTES) {
          done = true;
          close();
          out.onCompleted();
        }
      }
    } catch (IOException e) {
      done = true;
      close();
      out.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  private void close() {
    try {
      if (in != null) {
        in.close();
      }
    } catch (IOException ignored) {
      // nothing more to read from it anyway
    }
  }
}
