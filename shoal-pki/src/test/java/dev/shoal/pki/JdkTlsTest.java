package dev.shoal.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kits work for mutual TLS with nothing but the JDK, and the CRL is honoured. */
class JdkTlsTest {

  @TempDir Path tmp;

  /** An SSLContext from a kit's key.pem and cert.pem, read with the JDK alone, trusting {@code trusted}; revocation checked against {@code crl} if given. */
  static SSLContext context(Path kit, Path trusted, Path crl) throws Exception {
    CertificateFactory f = CertificateFactory.getInstance("X.509");
    X509Certificate cert;
    X509Certificate ca;
    try (InputStream in = Files.newInputStream(kit.resolve("cert.pem"))) {
      cert = (X509Certificate) f.generateCertificate(in);
    }
    try (InputStream in = Files.newInputStream(trusted)) {
      ca = (X509Certificate) f.generateCertificate(in);
    }
    char[] pw = "x".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("me", CertificateAuthorityTest.key(kit.resolve("key.pem")), pw, new X509Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(keys, pw);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    PKIXBuilderParameters params = new PKIXBuilderParameters(trust, new X509CertSelector());
    if (crl != null) {
      try (InputStream in = Files.newInputStream(crl)) {
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(f.generateCRL(in)))));
      }
      params.setRevocationEnabled(true);
    } else {
      params.setRevocationEnabled(false);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(new CertPathTrustManagerParameters(params));
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  /** One handshake: the coordinator's kit serves on 127.0.0.1 and requires a client certificate. */
  static void handshake(Path coordinatorKit, Path nodeKit) throws Exception {
    SSLContext server = context(coordinatorKit, coordinatorKit.resolve("ca.pem"), coordinatorKit.resolve("crl.pem"));
    // the client trusts the federation's CA (public): whether it gets in is the server's decision
    SSLContext client = context(nodeKit, coordinatorKit.resolve("ca.pem"), null);
    try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.setSoTimeout(10_000);
          s.startHandshake();
          int b = s.getInputStream().read();
          s.getOutputStream().write(b);
          s.getOutputStream().flush();
          return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
        s.setSoTimeout(10_000);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the coordinator's SANs must name 127.0.0.1
        s.setSSLParameters(p);
        s.startHandshake();
        s.getOutputStream().write(42);
        s.getOutputStream().flush();
        s.getInputStream().read();
      } catch (Exception e) {
        // the server's verdict on the client certificate is the interesting one
      }
      try {
        accepted.get(20, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw (Exception) (e.getCause().getCause() != null ? e.getCause().getCause() : e.getCause());
      }
    }
  }

  @Test
  void nodesWithGoodKitsGetInAndRevokedForeignSelfSignedOrExpiredOnesDoNot() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    ca.issue("good", Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("good"));
    ca.issue("gone", Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("gone"));
    Instant now = Instant.now();
    ca.issue("old", Role.NODE, List.of(), List.of(), now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)),
        tmp.resolve("old"));
    CertificateAuthority.create(tmp.resolve("other"), "shoal", Duration.ofDays(10))
        .issue("good", Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("foreign"));
    CertificateAuthority.selfSigned("good", Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("self"));
    ca.revoke("gone");
    // the coordinator is issued after the revocation, so its kit's crl.pem lists "gone"
    ca.issue("hub", Role.COORDINATOR, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("hub"));
    Path hub = tmp.resolve("hub");

    handshake(hub, tmp.resolve("good"));
    // the coordinator's verdicts, as the JDK words them
    Map<String, String> refusals = Map.of("gone", "revoked", "old", "validity check failed",
        "foreign", "does not chain with any of the trust anchors",
        // TLS 1.3: a client offers only a certificate from a CA the server names, so none at all
        "self", "Empty client certificate chain");
    refusals.forEach((bad, why) -> assertThatThrownBy(() -> handshake(hub, tmp.resolve(bad))).as(bad)
        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class).hasMessageContaining(why));
    assertThat(Files.readString(hub.resolve("crl.pem"))).isEqualTo(Files.readString(ca.crlFile()));
  }

  @Test
  void aNodeCertificateCannotServe() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    ca.issue("n", Role.NODE, List.of(), List.of("127.0.0.1"), Duration.ofDays(1), tmp.resolve("n"));
    ca.issue("m", Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("m"));
    Files.copy(ca.crlFile(), tmp.resolve("n/crl.pem"));
    // a node kit as server: its certificate lacks serverAuth, so the client refuses it and the server sees the failure
    assertThatThrownBy(() -> handshake(tmp.resolve("n"), tmp.resolve("m"))).isInstanceOf(Exception.class);
  }
}
