package dev.shoal.app;

import dev.shoal.transport.CoordinatorServer;
import dev.shoal.transport.FederationService;
import dev.shoal.transport.GrpcCoordinatorLink;
import dev.shoal.transport.tls.KitMaterial;
import dev.shoal.transport.tls.Revocations;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How a participant's connections are secured: mutual TLS with its kit, or plaintext, which
 * must be asked for ({@code --insecure}). A coordinator's kit comes with the revocation list it
 * watches.
 */
record Security(KitMaterial kit, Path crl) {

  static Security plaintext() {
    return new Security(null, null);
  }

  /** Mutual TLS with the kit in {@code kitDir}; {@code crl} (coordinators only) may be null. */
  static Security tls(Path kitDir, Path crl) {
    try {
      return new Security(KitMaterial.load(kitDir), crl);
    } catch (IOException e) {
      throw new UserError("cannot use the kit: " + e.getMessage());
    }
  }

  boolean isTls() {
    return kit != null;
  }

  CoordinatorServer serve(String host, int port, FederationService service) throws IOException {
    if (!isTls()) {
      return CoordinatorServer.startInsecure(host, port, service);
    }
    Path list = crl != null ? crl : kit.crl();
    Revocations revocations;
    try {
      revocations = Revocations.load(list, kit.ca());
    } catch (IOException e) {
      throw new UserError("cannot use the revocation list: " + e.getMessage());
    }
    return CoordinatorServer.startTls(host, port, service, kit, revocations);
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
    if (!isTls()) {
      if (given == null) {
        throw new UserError("--name is required with --insecure");
      }
      return given;
    }
    String certified = identityOrFail().name();
    if (given != null && !given.equals(certified)) {
      throw new UserError("--name " + given + " differs from the name in the kit's certificate, " + certified
          + "; the coordinator only admits a node under its certificate's name");
    }
    return certified;
  }

  private dev.shoal.transport.tls.Identity identityOrFail() {
    try {
      return kit.identity();
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    }
  }

  String describe() {
    return isTls() ? "mutual TLS as " + identity() : "plaintext";
  }

  private String identity() {
    try {
      return kit.identity().toString();
    } catch (IOException e) {
      return kit.dir().toString();
    }
  }
}
