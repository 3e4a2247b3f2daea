package dev.shoal.transport;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The coordinator's gRPC server: one {@link FederationService} on one address. */
public final class CoordinatorServer implements AutoCloseable {

  private final Server server;

  private CoordinatorServer(Server server) {
    this.server = server;
  }

  /** Starts a plaintext server; only for deployments that accept it ({@code --insecure}). */
  public static CoordinatorServer startInsecure(String host, int port, FederationService service) throws IOException {
    Server s = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .addService(service)
        .maxInboundMessageSize(Wire.MAX_MESSAGE_BYTES)
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
    try {
      s.start();
    } catch (IOException e) {
      throw new IOException("cannot listen on %s:%d: %s".formatted(host, port, e.getMessage()), e);
    }
    return new CoordinatorServer(s);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
