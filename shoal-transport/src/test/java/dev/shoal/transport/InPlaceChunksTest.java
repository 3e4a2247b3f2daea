package dev.shoal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.shoal.transport.proto.Chunk;
import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import io.grpc.internal.ForwardingReadableBuffer;
import io.grpc.internal.ReadableBuffers;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InPlaceChunksTest {

  private final InPlaceChunks chunks = new InPlaceChunks();
  private final Chunk sent = Chunk.newBuilder().setOffset(7).setContentId("sha256:" + "ab".repeat(32))
      .setData(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5})).build();

  @Test
  void aChunkFromNetworkBuffersViewsThemUntilItIsHandled() {
    ByteBuffer network = ByteBuffer.allocateDirect(sent.getSerializedSize());
    network.put(sent.toByteArray()).flip();
    boolean[] released = {false};
    InputStream stream = lent(network, released);

    Chunk parsed = chunks.parse(stream);

    assertThat(parsed).isEqualTo(sent);
    network.put(network.limit() - 1, (byte) 9); // the last byte of the data
    assertThat(parsed.getData().byteAt(4)).as("a view of the buffer, not a copy").isEqualTo((byte) 9);
    List<Chunk> handled = new ArrayList<>();
    ServerCall.Listener<Chunk> listener = chunks.returning(new ServerCall.Listener<>() {
      @Override
      public void onMessage(Chunk c) {
        assertThat(released[0]).as("released only after the handler").isFalse();
        handled.add(c);
      }
    });
    listener.onMessage(parsed);
    assertThat(handled).containsExactly(parsed);
    assertThat(released[0]).isTrue();
  }

  /** {@code network} as a transport lends it: a stream over its buffer that marks {@code released} when closed. */
  private static InputStream lent(ByteBuffer network, boolean[] released) {
    return ReadableBuffers.openStream(new ForwardingReadableBuffer(ReadableBuffers.wrap(network)) {
      @Override
      public void close() {
        released[0] = true;
      }
    }, true);
  }

  @Test
  void aStreamThatCannotLendItsBuffersIsParsedByCopy() {
    assertThat(chunks.parse(new ByteArrayInputStream(sent.toByteArray()))).isEqualTo(sent);
  }

  @Test
  void bytesThatAreNoChunkAreRefusedAndTheirBuffersReleased() {
    ByteBuffer network = ByteBuffer.allocateDirect(3).put(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}).flip();
    boolean[] released = {false};
    InputStream stream = lent(network, released);
    assertThatThrownBy(() -> chunks.parse(stream)).isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("invalid chunk");
    assertThat(released[0]).isTrue();
  }
}
