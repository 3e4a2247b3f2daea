package dev.shoal.pki;

import static dev.shoal.pki.CertificateAuthorityTest.assertKeyMatches;
import static dev.shoal.pki.CertificateAuthorityTest.assertOwnerOnly;
import static dev.shoal.pki.CertificateAuthorityTest.cert;
import static dev.shoal.pki.CertificateAuthorityTest.key;
import static dev.shoal.pki.CertificateAuthorityTest.sans;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsrTest {

  @TempDir Path tmp;

  @Test
  void aRequestSignedByTheCaBecomesACertificateForTheSiteKey() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    Path site = tmp.resolve("site");
    Path csr = Csr.request("coord", Role.COORDINATOR, List.of("coord.example.org"), List.of("10.1.2.3"), site);

    assertThat(csr).isEqualTo(site.resolve("request.csr"));
    assertThat(Files.readString(csr)).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
    assertOwnerOnly(site.resolve("key.pem"));

    Path out = tmp.resolve("back/cert.pem");
    X509Certificate signed = ca.sign(csr, Duration.ofDays(90), out, Role.COORDINATOR, false);

    X509Certificate c = cert(out);
    assertThat(c).isEqualTo(signed);
    c.verify(ca.certificate().getPublicKey());
    assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=coord,OU=coordinator");
    assertThat(c.getExtendedKeyUsage()).containsExactlyInAnyOrder(CertificateAuthorityTest.SERVER_AUTH,
        CertificateAuthorityTest.CLIENT_AUTH);
    assertThat(sans(c)).containsExactlyInAnyOrder(List.of(2, "coord.example.org"), List.of(7, "10.1.2.3"));
    assertKeyMatches(key(site.resolve("key.pem")), c.getPublicKey());
    assertThat(cert(tmp.resolve("back/ca.pem"))).isEqualTo(ca.certificate());
    assertThat(tmp.resolve("back/crl.pem")).exists();
    assertThat(ca.issued()).singleElement().satisfies(i -> {
      assertThat(i.name()).isEqualTo("coord");
      assertThat(i.role()).isEqualTo("coordinator");
      assertThat(i.serial()).isEqualTo(c.getSerialNumber().toString(16));
    });
    assertThatThrownBy(() -> ca.sign(csr, Duration.ofDays(90), out, Role.COORDINATOR, true))
        .isInstanceOf(PkiException.class).hasMessageContaining("already exists");

    // a node's request: the role comes from the OU
    Path nodeCsr = Csr.request("site-7", Role.NODE, List.of(), List.of(), tmp.resolve("n"));
    X509Certificate n = ca.sign(nodeCsr, Duration.ofDays(1), tmp.resolve("n/cert.pem"));
    assertThat(n.getSubjectX500Principal().getName()).isEqualTo("CN=site-7,OU=node");
    assertThat(n.getExtendedKeyUsage()).containsExactly(CertificateAuthorityTest.CLIENT_AUTH);
    assertThat(Role.of(n)).isEqualTo(Role.NODE);
    assertThat(Role.of(c)).isEqualTo(Role.COORDINATOR);
    assertThat(tmp.resolve("n/crl.pem")).doesNotExist();
    assertThat(ca.revoke("site-7")).hasSize(1);
    assertThat(ca.crl().isRevoked(n)).isTrue();
  }

  @Test
  void aTamperedRequestIsRefused() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    Path csr = Csr.request("node-a", Role.NODE, List.of(), List.of(), tmp.resolve("site"));
    byte[] der = Csr.read(csr).getEncoded();
    byte[] name = "node-a".getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(der, name);
    assertThat(at).isPositive();
    der[at + 5] = 'b'; // CN=node-b: the signature no longer matches
    Path tampered = tmp.resolve("tampered.csr");
    writePem(tampered, "CERTIFICATE REQUEST", der);

    assertThatThrownBy(() -> ca.sign(tampered, Duration.ofDays(1), tmp.resolve("out/cert.pem")))
        .isInstanceOf(PkiException.class).hasMessageContaining("signature");
    assertThat(tmp.resolve("out/cert.pem")).doesNotExist();
    assertThat(ca.issued()).isEmpty();
  }

  @Test
  void requestsForOtherSubjectsAreRefused() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    for (String subject : List.of("CN=x, OU=admin", "CN=x", "CN=x, OU=node, O=evil", "CN=a b, OU=node", "OU=node")) {
      KeyPair pair = X509.newKeyPair();
      PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Principal(subject),
          pair.getPublic()).build(X509.signer(pair.getPrivate()));
      Path file = tmp.resolve("r.csr");
      writePem(file, "CERTIFICATE REQUEST", csr.getEncoded());
      assertThatThrownBy(() -> ca.sign(file, Duration.ofDays(1), tmp.resolve("cert.pem")))
          .as(subject).isInstanceOf(PkiException.class);
    }
    assertThatThrownBy(() -> ca.sign(tmp.resolve("missing.csr"), Duration.ofDays(1), tmp.resolve("cert.pem")))
        .isInstanceOf(PkiException.class).hasMessageContaining("no such certificate request");
    Files.writeString(tmp.resolve("junk.csr"), "not a request");
    assertThatThrownBy(() -> ca.sign(tmp.resolve("junk.csr"), Duration.ofDays(1), tmp.resolve("cert.pem")))
        .isInstanceOf(PkiException.class);
    assertThat(ca.issued()).isEmpty();
  }

  @Test
  void aRequestDoesNotOverwriteAKey() throws Exception {
    Path site = tmp.resolve("site");
    Csr.request("n", Role.NODE, List.of(), List.of(), site);
    String key = Files.readString(site.resolve("key.pem"));
    assertThatThrownBy(() -> Csr.request("n", Role.NODE, List.of(), List.of(), site)).isInstanceOf(PkiException.class)
        .hasMessageContaining("refusing to overwrite");
    assertThat(Files.readString(site.resolve("key.pem"))).isEqualTo(key);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }

  private static void writePem(Path file, String type, byte[] der) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(new PemObject(type, der));
    }
    Files.writeString(file, out.toString());
  }
}
