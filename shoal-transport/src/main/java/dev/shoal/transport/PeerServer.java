package dev.shoal.transport;

import dev.shoal.transport.tls.CallerIdentity;
import dev.shoal.transport.tls.HandshakeFailures;
import dev.shoal.transport.tls.KitMaterial;
import dev.shoal.transport.tls.Revocations;
import dev.shoal.transport.tls.Tls;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import java.io.IOException;

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
    var b = ServerSettings.builder(host, port);
    if (kit != null) {
      HandshakeFailures.install();
      b.sslContext(Tls.peerServer(kit, revocations))
          .addService(ServerInterceptors.intercept(service, new CallLimits(CallLimits.DEFAULT),
              new CallerIdentity(revocations)));
    } else {
      b.addService(ServerInterceptors.intercept(service, new CallLimits(CallLimits.DEFAULT)));
    }
    return new PeerServer(ServerSettings.start(host, port, b));
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    ServerSettings.stop(server);
  }
}
