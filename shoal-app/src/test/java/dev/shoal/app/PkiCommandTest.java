package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `shoal pki init`, `issue` and `revoke` through the command line, in-process. */
class PkiCommandTest extends InProcessCommandTest {

  @TempDir Path tmp;

  private static <T> T read(Path file, boolean crl) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      @SuppressWarnings("unchecked")
      T t = (T) (crl ? f.generateCRL(in) : f.generateCertificate(in));
      return t;
    }
  }

  @Test
  void initIssueRevoke() throws Exception {
    Path ca = tmp.resolve("ca");
    assertThat(shoal("pki", "init", "--out", ca.toString(), "--name", "acme")).isZero();
    assertThat(out.toString()).contains("created CA 'CN=acme CA'");
    assertThat(shoal("pki", "init", "--out", ca.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("already holds a CA").doesNotContain("Exception");

    Path coord = tmp.resolve("coord");
    assertThat(shoal("pki", "issue", "--ca", ca.toString(), "--name", "hub", "--role", "coordinator",
        "--dns", "hub.example.org", "--ip", "10.0.0.1", "--out", coord.toString())).isZero();
    assertThat(out.toString()).contains("CN=hub,OU=coordinator", "DNS hub.example.org", "IP 10.0.0.1")
        .doesNotContain("PRIVATE KEY");
    Path site = tmp.resolve("site");
    assertThat(shoal("pki", "issue", "--ca", ca.toString(), "--name", "site-1", "--role", "node",
        "--out", site.toString(), "--days", "30")).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(site.resolve("key.pem")))).isEqualTo("rw-------");
    X509Certificate caCert = read(ca.resolve("ca.pem"), false);
    X509Certificate siteCert = read(site.resolve("cert.pem"), false);
    X509Certificate hubCert = read(coord.resolve("cert.pem"), false);
    siteCert.verify(caCert.getPublicKey());

    assertThat(shoal("pki", "issue", "--ca", ca.toString(), "--name", "site-1", "--role", "node",
        "--out", site.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("refusing to overwrite");
    assertThat(shoal("pki", "issue", "--ca", ca.toString(), "--name", "x", "--role", "admin",
        "--out", tmp.resolve("x").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("role must be 'coordinator', 'node', 'relay' or 'peer'");
    assertThat(shoal("pki", "issue", "--ca", ca.toString(), "--name", "bad name", "--role", "node",
        "--out", tmp.resolve("x").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("is not allowed");
    assertThat(shoal("pki", "issue", "--ca", ca.toString(), "--role", "node")).isEqualTo(2);

    assertThat(shoal("pki", "revoke", "--ca", ca.toString(), "site-1")).isZero();
    assertThat(out.toString()).contains("revoked node certificate for site-1", "CRL number 2", "coordinator's kit");
    X509CRL crl = read(ca.resolve("crl.pem"), true);
    crl.verify(caCert.getPublicKey());
    assertThat(crl.isRevoked(siteCert)).isTrue();
    assertThat(crl.isRevoked(hubCert)).isFalse();
    assertThat(Files.readString(ca.resolve("issued.json"))).contains("\"revoked\" : true");

    assertThat(shoal("pki", "revoke", "--ca", ca.toString(), "nobody")).isEqualTo(1);
    assertThat(err.toString()).contains("no certificate was issued to 'nobody'");
  }

  @Test
  void signRefusesATakenNameUnlessReplacingAndACoordinatorRequestUnlessStated() throws Exception {
    Path ca = tmp.resolve("ca");
    assertThat(shoal("pki", "init", "--out", ca.toString())).isZero();
    assertThat(shoal("pki", "issue", "--ca", ca.toString(), "--name", "hub", "--role", "coordinator",
        "--out", tmp.resolve("hub").toString())).isZero();
    X509Certificate hubCert = read(tmp.resolve("hub/cert.pem"), false);

    // a site asks for the coordinator's name, as a node
    Path thief = tmp.resolve("thief");
    assertThat(shoal("pki", "request", "--name", "hub", "--role", "node", "--out", thief.toString())).isZero();
    assertThat(shoal("pki", "sign", "--ca", ca.toString(), thief.resolve("request.csr").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("'hub' already holds a coordinator certificate", "--replace")
        .doesNotContain("Exception");
    assertThat(thief.resolve("cert.pem")).doesNotExist();

    // a coordinator request is signed only when the signer says so
    Path hub2 = tmp.resolve("hub2");
    assertThat(shoal("pki", "request", "--name", "hub-2", "--role", "coordinator", "--out", hub2.toString())).isZero();
    assertThat(shoal("pki", "sign", "--ca", ca.toString(), hub2.resolve("request.csr").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("asks for a coordinator certificate for 'hub-2'", "--role coordinator");
    assertThat(shoal("pki", "sign", "--ca", ca.toString(), "--role", "coordinator",
        hub2.resolve("request.csr").toString())).isZero();

    // replacing: the new certificate is issued and the old one revoked
    Path rekey = tmp.resolve("rekey");
    assertThat(shoal("pki", "request", "--name", "hub", "--role", "coordinator", "--out", rekey.toString())).isZero();
    assertThat(shoal("pki", "sign", "--ca", ca.toString(), "--role", "coordinator", "--replace",
        rekey.resolve("request.csr").toString())).isZero();
    assertThat(out.toString()).contains("revoked the old coordinator certificate for hub");
    X509CRL crl = read(ca.resolve("crl.pem"), true);
    assertThat(crl.isRevoked(hubCert)).isTrue();
    assertThat(crl.isRevoked(read(rekey.resolve("cert.pem"), false))).isFalse();
  }
}
