package dev.shoal.transport.tls;

import dev.shoal.pki.Kit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The key material of a participant's kit ({@link Kit}, as {@code shoal pki issue} writes it),
 * loaded with the JDK: the federation CA, this participant's certificate and private key.
 */
public record KitMaterial(Path dir, X509Certificate ca, X509Certificate certificate, PrivateKey key) {

  public static KitMaterial load(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("no kit directory " + dir + " (create one with 'shoal pki issue')");
    }
    X509Certificate ca = certificate(dir.resolve(Kit.CA));
    X509Certificate cert = certificate(dir.resolve(Kit.CERT));
    return new KitMaterial(dir, ca, cert, privateKey(dir.resolve(Kit.KEY)));
  }

  /** This participant's identity, as its certificate names it. */
  public Identity identity() throws IOException {
    try {
      return Identity.of(certificate);
    } catch (java.security.cert.CertificateException e) {
      throw new IOException(dir.resolve(Kit.CERT) + ": " + e.getMessage());
    }
  }

  /** The kit's revocation list file (a coordinator's kit has one). */
  public Path crl() {
    return dir.resolve(Kit.CRL);
  }

  static X509Certificate certificate(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (NoSuchFileException e) {
      throw new IOException("kit file missing: " + file);
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not a PEM certificate: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(Path file) throws IOException {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IOException("kit file missing: " + file);
    }
    String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
        .replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // never include the key material in the message
      throw new IOException(file + " is not a PKCS#8 PEM EC private key");
    }
  }
}
