package dev.shoal.transport;

import com.google.protobuf.ByteString;
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
  private final byte[] held;
  private final long start;
  private InputStream in;
  private long offset;
  private boolean done;

  /** Sends what {@code opener} opens, from byte {@code start} on. */
  ChunkSender(RemoteClients clients, ServerCallStreamObserver<Chunk> out, Opener opener, long start) {
    this(clients, out, opener, null, start);
  }

  /** Sends {@code held}, a blob's whole content that nothing writes again, from byte {@code start} on. */
  ChunkSender(RemoteClients clients, ServerCallStreamObserver<Chunk> out, byte[] held, long start) {
    this(clients, out, null, held, start);
  }

  private ChunkSender(RemoteClients clients, ServerCallStreamObserver<Chunk> out, Opener opener, byte[] held,
      long start) {
    this.clients = clients;
    this.out = out;
    this.opener = opener;
    this.held = held;
    this.start = start;
  }

  void start() {
    if (opener != null) {
      try {
        in = opener.open();
        in.skipNBytes(start);
      } catch (IOException e) {
        out.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
        return;
      }
    }
    offset = start;
    out.setOnCancelHandler(this::close);
    out.setOnReadyHandler(this::pump);
  }

  private synchronized void pump() {
    try {
      while (!done && out.isReady()) {
        ByteString data = next();
        if (!data.isEmpty()) {
          Chunk c = Chunk.newBuilder().setOffset(offset).setData(data).build();
          out.onNext(c);
          if (clients != null) {
            clients.recordTraffic(c.getSerializedSize(), 0);
          }
          offset += data.size();
        }
        if (data.size() < Wire.SENT_CHUNK_BYTES) {
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

  /** Up to one chunk of data from {@code offset} on; shorter only at the end. Never copied again: wrapped, not copied. */
  private ByteString next() throws IOException {
    if (held != null) {
      int n = (int) Math.min(Wire.SENT_CHUNK_BYTES, held.length - offset);
      return UnsafeByteOperations.unsafeWrap(held, (int) offset, n);
    }
    // a new array for each chunk, never written again
    return UnsafeByteOperations.unsafeWrap(in.readNBytes(Wire.SENT_CHUNK_BYTES));
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
