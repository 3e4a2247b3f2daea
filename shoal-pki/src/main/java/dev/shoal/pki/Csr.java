package dev.shoal.pki;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Certificate requests, for sites that keep their private key at home: {@link #request} writes
 * {@code key.pem} (mode 0600) and {@code request.csr} (PKCS#10 PEM: subject {@code CN=<name>,
 * OU=<role>}, SANs as an extension request); the CA signs it with
 * {@link CertificateAuthority#sign}.
 */
public final class Csr {

  public static final String REQUEST = "request.csr";

  private Csr() {}

  /**
   * Writes a new key and a request for it into {@code dir} (created if absent), plus a
   * {@code shoal.yaml} for the kit the directory becomes once the certificate is back. Refuses a
   * directory that already holds a key. Returns the request file.
   */
  public static Path request(String name, Role role, List<String> dns, List<String> ips, Path dir) throws IOException {
    Names.checkName("name", name);
    List<GeneralName> sans = X509.subjectAltNames(role, dns, ips);
    if (Files.exists(dir.resolve(Kit.KEY))) {
      throw new PkiException(dir.resolve(Kit.KEY) + " already exists: refusing to overwrite a key");
    }
    KeyPair pair = X509.newKeyPair();
    var builder = new JcaPKCS10CertificationRequestBuilder(X509.subject(name, role), pair.getPublic());
    if (!sans.isEmpty()) {
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
    }
    PKCS10CertificationRequest csr = builder.build(X509.signer(pair.getPrivate()));
    Files.createDirectories(dir);
    PemFiles.writePrivateKey(dir.resolve(Kit.KEY), pair.getPrivate());
    Path file = dir.resolve(REQUEST);
    PemFiles.replace(file, PemFiles.pem(csr));
    PemFiles.replace(dir.resolve(Kit.CONFIG), config(dir, name, role, null));
    return file;
  }

  /** Reads a PKCS#10 PEM request. */
  public static PKCS10CertificationRequest read(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(in)) {
      Object object = pem.readObject();
      if (object instanceof PKCS10CertificationRequest csr) {
        return csr;
      }
      throw new PkiException(file + ": not a PEM certificate request (-----BEGIN CERTIFICATE REQUEST-----)");
    } catch (IOException | RuntimeException e) {
      if (e instanceof PkiException p) {
        throw p;
      }
      if (e instanceof java.nio.file.NoSuchFileException) {
        throw new PkiException(file + ": no such certificate request", e);
      }
      throw new PkiException(file + ": not a readable certificate request: " + e.getMessage(), e);
    }
  }

  /** The kit's {@code shoal.yaml}: comments, {@code kit:} and, for a node, {@code name:}. */
  static String config(Path kitDir, String name, Role role, X509Certificate cert) {
    StringBuilder out = new StringBuilder();
    out.append("# Shoal kit for ").append(name).append(" (").append(role.label()).append(")");
    if (cert != null) {
      out.append(": certificate serial ").append(cert.getSerialNumber().toString(16))
          .append(", valid until ").append(cert.getNotAfter().toInstant());
    }
    out.append("\n# key.pem is this participant's private key: keep it here, mode 0600, never copy it elsewhere.\n");
    out.append("# kit: this directory, for the TLS options of `shoal ").append(role.label())
        .append("` (see docs/security.md); change it if you move the directory.\n");
    if (role == Role.NODE) {
      out.append("# name: the certificate's CN; the node must run with this --name.\n");
    }
    if (role.serves()) {
      out.append("# crl.pem lists revoked certificates: replace it with the CA's crl.pem after every `shoal pki revoke`.\n");
    }
    out.append("kit: ").append(yamlString(kitDir.toAbsolutePath().normalize().toString())).append('\n');
    if (role == Role.NODE) {
      out.append("name: ").append(yamlString(name)).append('\n');
    }
    return out.toString();
  }

  private static String yamlString(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
