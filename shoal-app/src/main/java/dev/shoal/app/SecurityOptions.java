package dev.shoal.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --kit DIR} for mutual TLS, or an explicit {@code --insecure} for plaintext; one of them. */
final class SecurityOptions {

  @Option(names = "--kit", paramLabel = "DIR", description = "This participant's kit (from 'shoal pki issue'): mutual TLS 1.3.")
  Path kit;

  @Option(names = "--insecure", description = "Plaintext gRPC instead: neither encrypted nor authenticated.")
  boolean insecure;

  /** A node's or an admin's chosen security. */
  Security resolve() {
    return plaintextChosen(null) ? Security.plaintext() : Security.tls(kit);
  }

  /** A coordinator's chosen security; {@code crl} is its revocation list (null: the kit's). */
  Security resolveForCoordinator(Path crl) {
    return plaintextChosen(crl) ? Security.plaintext() : Security.coordinator(kit, crl);
  }

  /** A relay's chosen security; {@code crl} is the revocation list it enforces on its nodes (null: the kit's). */
  Security resolveForRelay(Path crl) {
    return plaintextChosen(crl) ? Security.plaintext() : Security.relay(kit, crl);
  }

  /** A peer's chosen security; {@code crl} is the revocation list it enforces on other peers (null: the kit's). */
  Security resolveForPeer(Path crl) {
    return plaintextChosen(crl) ? Security.plaintext() : Security.peer(kit, crl);
  }

  /** Whether plaintext was chosen; refuses neither or both. */
  private boolean plaintextChosen(Path crl) {
    if (kit != null && insecure) {
      throw new UsageError("--kit and --insecure exclude each other: choose mutual TLS or plaintext");
    }
    if (kit == null && !insecure) {
      throw new UsageError("give --kit DIR for mutual TLS (create a kit with 'shoal pki issue'),"
          + " or --insecure to accept plaintext");
    }
    if (insecure && crl != null) {
      throw new UsageError("--crl needs --kit: plaintext has no certificates to revoke");
    }
    return insecure;
  }
}
