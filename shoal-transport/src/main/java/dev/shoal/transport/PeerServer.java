package dev.shoal.transport;

import dev.shoal.transport.tls.CallerIdentity;
import dev.shoal.transport.tls.HandshakeFailures;
import dev.shoal.transport.tls.KitMaterial;
import dev.shoal.transport.tls.Revocations;
import dev.shoal.transport.tls.Tls;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A peer's gRPC server: its {@link PeerService} on one address, to other peers only. */
public final class PeerServer implements AutoCloseable {

  private final Server server;

  private PeerServer(Server server) {
    this.server = server;
  }

  /**
   * Serves {@code service} with mutual TLS from the peer's kit (callers must hold peer
   * certificates, checked against {@code revocations} on every handshake and call), or in
   * plaintext when {@code kit} is null.
   */
  public static PeerServer start(String host, int port, PeerService service, KitMaterial kit, Revocations revocations)
      throws IOException {
    var b = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .maxInboundMessageSize(Wire.MAX_MESSAGE_BYTES)
        .maxInboundMetadataSize(16 * 1024)
        .handshakeTimeout(10, TimeUnit.SECONDS)
        .keepAliveTime(1, TimeUnit.MINUTES)
        .keepAliveTimeout(20, TimeUnit.SECONDS)
        .executor(Executors.newVirtualThreadPerTaskExecutor());
    if (kit != null) {
      HandshakeFailures.install();
      b.sslContext(Tls.peerServer(kit, revocations))
          .addService(ServerInterceptors.intercept(service, new CallLimits(CallLimits.DEFAULT),
              new CallerIdentity(revocations)));
    } else {
      b.addService(ServerInterceptors.intercept(service, new CallLimits(CallLimits.DEFAULT)));
    }
    Server s = b.build();
    try {
      s.start();
    } catch (IOException e) {
      throw new IOException("cannot listen on %s:%d: %s".formatted(host, port, e.getMessage()), e);
    }
    return new PeerServer(s);
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
