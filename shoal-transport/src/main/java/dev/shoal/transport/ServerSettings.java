package dev.shoal.transport;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.buffer.AdaptiveByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What every Shoal gRPC server (a coordinator's or relay's, a peer's) shares: message and metadata
 * bounds, handshake and keep-alive times, a virtual thread per call, and how it starts and stops.
 */
final class ServerSettings {

  /**
   * How many free chunks the allocator keeps for reuse; the allocator reads it once, when its class
   * is loaded, and keeps only twice the number of cores by default.
   */
  private static final String CHUNK_REUSE = "io.grpc.netty.shaded.io.netty.allocator.chunkReuseQueueCapacity";

  /**
   * Network buffers for every connection. gRPC's own pool (2 MiB arenas) keeps freeing and
   * allocating arenas under the coordinator's load of multi-megabyte chunks, and each new arena is
   * zeroed and faulted in; this allocator reuses its chunks instead, and keeps up to 256 of them
   * free, since a hundred nodes downloading at once free chunks faster than four can be kept
   * (docs/benchmarks.md). A value set on the command line wins.
   */
  private static final ByteBufAllocator BUFFERS = buffers();

  private static ByteBufAllocator buffers() {
    if (System.getProperty(CHUNK_REUSE) == null) {
      System.setProperty(CHUNK_REUSE, "256");
    }
    return new AdaptiveByteBufAllocator();
  }

  private ServerSettings() {}

  /** A server builder on {@code host:port} with the shared bounds; the caller adds TLS and services. */
  static NettyServerBuilder builder(String host, int port) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .maxInboundMessageSize(Wire.MAX_MESSAGE_BYTES)
        .maxInboundMetadataSize(16 * 1024)
        .handshakeTimeout(10, TimeUnit.SECONDS)
        .keepAliveTime(1, TimeUnit.MINUTES)
        .keepAliveTimeout(20, TimeUnit.SECONDS)
        .withChildOption(ChannelOption.ALLOCATOR, BUFFERS)
        .executor(Executors.newVirtualThreadPerTaskExecutor());
  }

  /** Builds and starts the server, naming the address when it cannot listen there. */
  static Server start(String host, int port, NettyServerBuilder builder) throws IOException {
    Server s = builder.build();
    try {
      s.start();
    } catch (IOException e) {
      throw new IOException("cannot listen on %s:%d: %s".formatted(host, port, e.getMessage()), e);
    }
    return s;
  }

  /** Stops the server at once, waiting up to 5 s for its calls to end. */
  static void stop(Server server) {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
