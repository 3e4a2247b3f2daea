package dev.shoal.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.shoal.transport.proto.Chunk;
import dev.shoal.transport.proto.FederationGrpc;
import dev.shoal.transport.proto.UploadReply;
import io.grpc.Detachable;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upload chunks parsed in place: a chunk's data is a view of the network buffers it arrived in, not
 * a copy, and those buffers go back to the pool once the call's listener has handled the chunk. The
 * upload's receiver writes and hashes every chunk before it returns, so nothing outlives the view.
 * Where the transport cannot lend its buffers, chunks are parsed the usual way (a copy).
 */
final class InPlaceChunks implements MethodDescriptor.Marshaller<Chunk> {

  private static final MethodDescriptor.Marshaller<Chunk> COPYING = ProtoUtils.marshaller(Chunk.getDefaultInstance());

  /** The network buffers each chunk still views, until it has been handled. */
  private final Map<Chunk, InputStream> lent = Collections.synchronizedMap(new IdentityHashMap<>());

  InPlaceChunks() {}

  /** {@code federation} (the service with its interceptors) with its Upload method parsing chunks in place. */
  static ServerServiceDefinition upload(ServerServiceDefinition federation) {
    InPlaceChunks chunks = new InPlaceChunks();
    String uploadName = FederationGrpc.getUploadMethod().getFullMethodName();
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(federation.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> m : federation.getMethods()) {
      if (m.getMethodDescriptor().getFullMethodName().equals(uploadName)) {
        @SuppressWarnings("unchecked")
        var upload = (ServerMethodDefinition<Chunk, UploadReply>) m;
        b.addMethod(chunks.lending(upload));
      } else {
        b.addMethod(m);
      }
    }
    return b.build();
  }

  private ServerMethodDefinition<Chunk, UploadReply> lending(ServerMethodDefinition<Chunk, UploadReply> upload) {
    MethodDescriptor<Chunk, UploadReply> method = upload.getMethodDescriptor();
    ServerCallHandler<Chunk, UploadReply> handler = upload.getServerCallHandler();
    return ServerMethodDefinition.create(method.toBuilder(this, method.getResponseMarshaller()).build(),
        (call, headers) -> returning(handler.startCall(call, headers)));
  }

  /** Gives a chunk's buffers back once {@code listener} (and everything it calls) is done with it. */
  ServerCall.Listener<Chunk> returning(ServerCall.Listener<Chunk> listener) {
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Chunk chunk) {
        try {
          super.onMessage(chunk);
        } finally {
          InputStream buffers = lent.remove(chunk);
          if (buffers != null) {
            closeQuietly(buffers);
          }
        }
      }
    };
  }

  @Override
  public InputStream stream(Chunk chunk) {
    return COPYING.stream(chunk);
  }

  @Override
  public Chunk parse(InputStream stream) {
    if (!(stream instanceof KnownLength && stream instanceof Detachable detachable && stream instanceof HasByteBuffer h
        && h.byteBufferSupported())) {
      return COPYING.parse(stream);
    }
    InputStream buffers = null;
    boolean parsed = false;
    try {
      int size = stream.available();
      buffers = detachable.detach();
      buffers.mark(size);
      List<ByteString> parts = new ArrayList<>();
      while (buffers.available() != 0) {
        ByteBuffer b = ((HasByteBuffer) buffers).getByteBuffer();
        parts.add(UnsafeByteOperations.unsafeWrap(b));
        buffers.skipNBytes(b.remaining());
      }
      buffers.reset();
      CodedInputStream in = ByteString.copyFrom(parts).newCodedInput();
      in.enableAliasing(true);
      in.setSizeLimit(Integer.MAX_VALUE);
      Chunk chunk = Chunk.parser().parseFrom(in, ExtensionRegistryLite.getEmptyRegistry());
      in.checkLastTagWas(0);
      lent.put(chunk, buffers);
      parsed = true;
      return chunk;
    } catch (IOException e) {
      String why = e instanceof InvalidProtocolBufferException ? "invalid chunk: " : "cannot read a chunk: ";
      throw Status.INTERNAL.withDescription(why + e.getMessage()).withCause(e).asRuntimeException();
    } finally {
      if (!parsed && buffers != null) {
        closeQuietly(buffers);
      }
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // releasing network buffers does not fail in practice; nothing else to do if it did
    }
  }
}
