package dev.shoal.transport.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federation's revocation list, re-read whenever its file changes (checked at most once a
 * second), so {@code shoal pki revoke} takes effect without a restart. A list that is missing,
 * unreadable or not signed by the CA is refused when first loaded; a bad replacement is logged
 * and the last good list stays in force.
 */
public final class Revocations {

  private static final Logger log = LoggerFactory.getLogger(Revocations.class);
  private static final long CHECK_NANOS = 1_000_000_000L;

  private final Path file;
  private final X509Certificate ca;
  private X509CRL crl;
  private FileTime loadedAt;
  private long checkedAt;

  private Revocations(Path file, X509Certificate ca) {
    this.file = file;
    this.ca = ca;
  }

  /** No revocation list: nothing is revoked. */
  public static Revocations none() {
    return new Revocations(null, null);
  }

  public static Revocations load(Path file, X509Certificate ca) throws IOException {
    Revocations r = new Revocations(file, ca);
    r.crl = r.read();
    r.loadedAt = Files.getLastModifiedTime(file);
    r.checkedAt = System.nanoTime();
    return r;
  }

  /** True if the list now in force revokes {@code cert}. */
  public synchronized boolean isRevoked(X509Certificate cert) {
    if (file == null) {
      return false;
    }
    refresh();
    return crl.isRevoked(cert);
  }

  private void refresh() {
    if (System.nanoTime() - checkedAt < CHECK_NANOS) {
      return;
    }
    checkedAt = System.nanoTime();
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      if (!modified.equals(loadedAt)) {
        crl = read();
        loadedAt = modified;
        log.info("revocation list reloaded file={} revoked={}", file,
            crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size());
      }
    } catch (IOException e) {
      log.error("revocation list not reloaded, the previous one stays in force file={} reason=\"{}\"", file,
          e.getMessage());
    }
  }

  private X509CRL read() throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      X509CRL list = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
      list.verify(ca.getPublicKey());
      return list;
    } catch (NoSuchFileException e) {
      throw new IOException("no revocation list " + file + " (copy crl.pem from the CA directory)");
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not a revocation list signed by the federation CA: " + e.getMessage());
    }
  }
}
