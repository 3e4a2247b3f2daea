package dev.shoal.transport;

import dev.shoal.transport.tls.CallerIdentity;
import dev.shoal.transport.tls.HandshakeFailures;
import dev.shoal.transport.tls.KitMaterial;
import dev.shoal.transport.tls.Revocations;
import dev.shoal.transport.tls.Tls;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import java.io.IOException;

/** The coordinator's gRPC server: one {@link FederationService} on one address. */
public final class CoordinatorServer implements AutoCloseable {

  private final Server server;

  private CoordinatorServer(Server server) {
    this.server = server;
  }

  /** Starts a plaintext server; only for deployments that accept it ({@code --insecure}). */
  public static CoordinatorServer startInsecure(String host, int port, FederationService service) throws IOException {
    return startInsecure(host, port, service, CallLimits.DEFAULT);
  }

  /** A plaintext server with other limits than the default ones. */
  public static CoordinatorServer startInsecure(String host, int port, FederationService service,
      CallLimits.Settings limits) throws IOException {
    return new CoordinatorServer(ServerSettings.start(host, port, ServerSettings.builder(host, port)
        .addService(InPlaceChunks.upload(
            ServerInterceptors.intercept(service, new RequestValidation(), new CallLimits(limits))))));
  }

  /**
   * Starts a mutual-TLS server with the coordinator's kit: every connection must present a
   * certificate of the federation, every call is bound to the caller's identity, and {@code
   * revocations} is consulted on every handshake and every call.
   */
  public static CoordinatorServer startTls(String host, int port, FederationService service, KitMaterial kit,
      Revocations revocations) throws IOException {
    HandshakeFailures.install();
    return new CoordinatorServer(ServerSettings.start(host, port, ServerSettings.builder(host, port)
        .sslContext(Tls.server(kit, revocations))
        // the last interceptor runs first: identity, then the limits that key on it, then input checks
        .addService(InPlaceChunks.upload(ServerInterceptors.intercept(service, new RequestValidation(),
            new CallLimits(CallLimits.DEFAULT), new CallerIdentity(revocations))))));
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    ServerSettings.stop(server);
  }
}
