package dev.shoal.app;

import dev.shoal.transport.CoordinatorServer;
import dev.shoal.transport.FederationService;
import dev.shoal.transport.GrpcCoordinatorLink;
import dev.shoal.transport.GrpcPeerLink;
import dev.shoal.transport.PeerServer;
import dev.shoal.transport.PeerService;
import dev.shoal.pki.Role;
import dev.shoal.transport.tls.Identity;
import dev.shoal.transport.tls.KitMaterial;
import dev.shoal.transport.tls.Revocations;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How a participant's connections are secured: mutual TLS with its kit, or plaintext, which
 * must be asked for ({@code --insecure}). A coordinator's kit comes with the revocation list it
 * enforces. Everything is loaded and checked when the security is chosen, before any state is
 * touched.
 */
record Security(KitMaterial kit, Revocations revocations) {

  static Security plaintext() {
    return new Security(null, null);
  }

  /** Mutual TLS for a node or an admin, with the kit in {@code kitDir}. */
  static Security tls(Path kitDir) {
    return new Security(load(kitDir), null);
  }

  /**
   * Mutual TLS for a coordinator: the kit must hold a coordinator certificate, and the
   * revocation list ({@code crl}, or the kit's own {@code crl.pem} when null) must be signed by
   * the federation's CA.
   */
  static Security coordinator(Path kitDir, Path crl) {
    return serving(kitDir, crl, Role.COORDINATOR);
  }

  /**
   * Mutual TLS for a relay: as for a coordinator, with a relay certificate, which both serves the
   * relay's nodes and dials its parent.
   */
  static Security relay(Path kitDir, Path crl) {
    return serving(kitDir, crl, Role.RELAY);
  }

  /** Mutual TLS for a peer: as for a relay, with a peer certificate, which serves and dials other peers. */
  static Security peer(Path kitDir, Path crl) {
    return serving(kitDir, crl, Role.PEER);
  }

  private static Security serving(Path kitDir, Path crl, Role role) {
    KitMaterial kit = load(kitDir);
    Identity self = identity(kit);
    if (self.role() != role) {
      throw new UserError("the kit in " + kitDir + " holds " + self
          + "; a " + role.label() + " needs a kit issued with --role " + role.label());
    }
    try {
      return new Security(kit, Revocations.load(crl != null ? crl : kit.crl(), kit.ca()));
    } catch (IOException e) {
      throw new UserError("cannot use the revocation list: " + e.getMessage());
    }
  }

  private static KitMaterial load(Path kitDir) {
    try {
      return KitMaterial.load(kitDir);
    } catch (IOException e) {
      throw new UserError("cannot use the kit: " + e.getMessage());
    }
  }

  private static Identity identity(KitMaterial kit) {
    try {
      return kit.identity();
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    }
  }

  boolean isTls() {
    return kit != null;
  }

  CoordinatorServer serve(String host, int port, FederationService service) throws IOException {
    return isTls() ? CoordinatorServer.startTls(host, port, service, kit, revocations)
        : CoordinatorServer.startInsecure(host, port, service);
  }

  GrpcCoordinatorLink dial(String host, int port, Path stateDir) throws IOException {
    return isTls() ? GrpcCoordinatorLink.tls(host, port, kit, stateDir)
        : GrpcCoordinatorLink.insecure(host, port, stateDir);
  }

  /**
   * The name a node goes by: with a kit, its certificate's (a different {@code --name} is an
   * error, since the coordinator would refuse it); in plaintext, {@code given}, which is required.
   */
  String nodeName(String given) {
    return name(given, Role.NODE);
  }

  /** The name a peer goes by, as {@link #nodeName} for a peer's kit. */
  String peerName(String given) {
    return name(given, Role.PEER);
  }

  PeerServer servePeers(String host, int port, PeerService service) throws IOException {
    return PeerServer.start(host, port, service, kit, revocations);
  }

  GrpcPeerLink dialPeer(String host, int port) throws IOException {
    return GrpcPeerLink.open(host, port, kit, revocations);
  }

  /** The name a relay goes by, as {@link #nodeName} for a relay's kit. */
  String relayName(String given) {
    return name(given, Role.RELAY);
  }

  private String name(String given, Role role) {
    if (!isTls()) {
      if (given == null) {
        throw new UsageError("--name is required with --insecure");
      }
      if (!dev.shoal.pki.Names.isName(given)) {
        throw new UsageError("--name " + dev.shoal.pki.Names.printable(given) + " is not a valid node name: use 1 to 64"
            + " letters, digits, '.', '_' or '-', starting with a letter or digit (the coordinator refuses any other)");
      }
      return given;
    }
    Identity self = identity(kit);
    if (self.role() != role) {
      throw new UserError("the kit in " + kit.dir() + " holds " + self + "; a " + role.label()
          + " needs a kit issued with --role " + role.label());
    }
    String certified = self.name();
    if (given != null && !given.equals(certified)) {
      throw new UserError("--name " + given + " differs from the name in the kit's certificate, " + certified
          + "; the coordinator only admits a node under its certificate's name");
    }
    return certified;
  }

  String describe() {
    return isTls() ? "mutual TLS as " + identity() : "plaintext";
  }

  private String identity() {
    return identity(kit).toString();
  }
}
