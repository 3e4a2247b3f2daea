package dev.shoal.bench;

import io.grpc.Detachable;
import io.grpc.Drainable;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The three calls of {@link TransportFloor}, with marshallers that add nothing to the bytes: a
 * client waits for the next round ({@code Next}), downloads the model ({@code Download}) and
 * uploads its update ({@code Upload}), in messages of at most {@link #CHUNK} bytes.
 */
final class FloorWire {

  static final int CHUNK = 1 << 20;
  static final int MAX_MESSAGE = CHUNK + 65536;

  /** A slice of an array, sent as one message. */
  record Slice(byte[] array, int offset, int length) {}

  private static final MethodDescriptor.Marshaller<Integer> INT = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(Integer value) {
      return new ByteArrayInputStream(ByteBuffer.allocate(4).putInt(value).array());
    }

    @Override
    public Integer parse(InputStream stream) {
      try {
        return ByteBuffer.wrap(stream.readNBytes(4)).getInt();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[CHUNK]);

  /** Slices drained straight into gRPC's buffers; a received one is read out once, into a scratch array. */
  private static final MethodDescriptor.Marshaller<Slice> SLICES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(Slice s) {
      return new SliceStream(s);
    }

    @Override
    public Slice parse(InputStream stream) {
      try {
        byte[] scratch = SCRATCH.get();
        int n = 0;
        for (int r; (r = stream.read(scratch, 0, scratch.length)) > 0; ) {
          n += r;
        }
        return new Slice(scratch, 0, n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /**
   * The server's side of an upload message: the network buffers it arrived in, lent until the
   * call's observer has handled and closed them (as Shoal's upload chunks are), so nothing is copied.
   */
  private static final MethodDescriptor.Marshaller<InputStream> LENT = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream instanceof Detachable d && stream instanceof HasByteBuffer h && h.byteBufferSupported()
          ? d.detach() : stream;
    }
  };

  static final MethodDescriptor<Integer, Integer> NEXT = method(MethodType.UNARY, "Next", INT, INT);
  static final MethodDescriptor<Integer, Slice> DOWNLOAD = method(MethodType.SERVER_STREAMING, "Download", INT, SLICES);
  static final MethodDescriptor<Slice, Integer> UPLOAD = method(MethodType.CLIENT_STREAMING, "Upload", SLICES, INT);
  static final MethodDescriptor<InputStream, Integer> UPLOAD_RECEIVED =
      method(MethodType.CLIENT_STREAMING, "Upload", LENT, INT);

  private FloorWire() {}

  private static <Q, R> MethodDescriptor<Q, R> method(MethodType type, String name, MethodDescriptor.Marshaller<Q> in,
      MethodDescriptor.Marshaller<R> out) {
    return MethodDescriptor.<Q, R>newBuilder().setType(type).setFullMethodName("floor.Floor/" + name)
        .setRequestMarshaller(in).setResponseMarshaller(out).build();
  }

  /** An array slice as a message stream that gRPC drains into its buffers in one copy. */
  private static final class SliceStream extends InputStream implements Drainable, KnownLength {

    private final byte[] array;
    private int offset;
    private int remaining;

    SliceStream(Slice s) {
      this.array = s.array();
      this.offset = s.offset();
      this.remaining = s.length();
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int n = remaining;
      target.write(array, offset, n);
      offset += n;
      remaining = 0;
      return n;
    }

    @Override
    public int available() {
      return remaining;
    }

    @Override
    public int read() {
      if (remaining == 0) {
        return -1;
      }
      remaining--;
      return array[offset++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      int n = Math.min(len, remaining);
      System.arraycopy(array, offset, b, off, n);
      offset += n;
      remaining -= n;
      return n;
    }
  }
}
