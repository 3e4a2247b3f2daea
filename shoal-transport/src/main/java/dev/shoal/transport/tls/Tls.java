package dev.shoal.transport.tls;

import dev.shoal.pki.Role;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.IOException;

/**
 * TLS 1.3 contexts from a kit. The coordinator asks every client for its certificate and
 * refuses the handshake when one is presented that does not belong to the federation; a
 * connection that presents none completes the handshake only to have every call on it refused
 * ({@link CallerIdentity}), so that the refusal is logged with its reason — no call is ever
 * served without a verified certificate. Nodes check that the server holds a coordinator
 * certificate for the host they dialled. The JDK's TLS implementation is used on both sides.
 */
public final class Tls {

  private Tls() {}

  public static SslContext server(KitMaterial kit, Revocations revocations) throws IOException {
    Identity self = kit.identity();
    if (!self.role().serves()) {
      throw new IOException("only a coordinator or relay certificate can serve; " + kit.dir() + " holds " + self);
    }
    return GrpcSslContexts.configure(SslContextBuilder.forServer(kit.key(), kit.certificate()), SslProvider.JDK)
        .trustManager(FederationTrust.forClients(kit.ca(), revocations))
        .clientAuth(ClientAuth.OPTIONAL)
        .protocols("TLSv1.3")
        .build();
  }

  /** A peer's server side: admits other peers of the federation (and checks revocation). */
  public static SslContext peerServer(KitMaterial kit, Revocations revocations) throws IOException {
    requirePeer(kit);
    return GrpcSslContexts.configure(SslContextBuilder.forServer(kit.key(), kit.certificate()), SslProvider.JDK)
        .trustManager(FederationTrust.forPeers(kit.ca(), revocations))
        .clientAuth(ClientAuth.OPTIONAL)
        .protocols("TLSv1.3")
        .build();
  }

  /** A peer's client side: believes only a server holding a peer certificate of the federation. */
  public static SslContext peerClient(KitMaterial kit, Revocations revocations) throws IOException {
    requirePeer(kit);
    return GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
        .keyManager(kit.key(), kit.certificate())
        .trustManager(FederationTrust.forPeers(kit.ca(), revocations))
        .protocols("TLSv1.3")
        .build();
  }

  private static void requirePeer(KitMaterial kit) throws IOException {
    Identity self = kit.identity();
    if (self.role() != Role.PEER) {
      throw new IOException("a peer needs a peer certificate (pki issue --role peer); " + kit.dir() + " holds " + self);
    }
  }

  public static SslContext client(KitMaterial kit) throws IOException {
    return GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
        .keyManager(kit.key(), kit.certificate())
        .trustManager(FederationTrust.forCoordinator(kit.ca()))
        .protocols("TLSv1.3")
        .build();
  }
}
