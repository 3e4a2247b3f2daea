package dev.shoal.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

  static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  @TempDir Path tmp;

  static X509Certificate cert(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  static X509CRL crl(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
    }
  }

  /** Reads key.pem the way the TLS side does: the JDK alone. */
  static PrivateKey key(Path file) throws Exception {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
    String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "");
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
  }

  static void assertOwnerOnly(Path file) throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  static void assertKeyMatches(PrivateKey key, PublicKey pub) throws Exception {
    byte[] data = "shoal".getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update(data);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(pub);
    v.update(data);
    assertThat(v.verify(sig)).isTrue();
  }

  static List<List<Object>> sans(X509Certificate c) throws Exception {
    Collection<List<?>> names = c.getSubjectAlternativeNames();
    List<List<Object>> out = new ArrayList<>();
    if (names != null) {
      for (List<?> n : names) {
        out.add(List.of(n.get(0), n.get(1)));
      }
    }
    return out;
  }

  /** PKIX validation with the JDK, revocation checked against {@code crl}. */
  static void validate(X509Certificate leaf, X509Certificate ca, X509CRL crl) throws Exception {
    CertificateFactory f = CertificateFactory.getInstance("X.509");
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    params.setRevocationEnabled(true);
    params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(crl))));
    CertPathValidator.getInstance("PKIX").validate(f.generateCertPath(List.of(leaf)), params);
  }

  @Test
  void initWritesASelfSignedCaItsKeyAnEmptyCrlAndAnEmptyIndex() throws Exception {
    Path dir = tmp.resolve("ca");
    CertificateAuthority.create(dir, "acme", Duration.ofDays(3650));

    X509Certificate ca = cert(dir.resolve("ca.pem"));
    ca.verify(ca.getPublicKey());
    assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=acme CA");
    assertThat(ca.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(ca.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
    assertThat(ca.getKeyUsage()[5]).isTrue(); // keyCertSign
    assertThat(ca.getKeyUsage()[6]).isTrue(); // cRLSign
    assertThat(ca.getKeyUsage()[0]).isFalse();
    assertThat(ca.getExtensionValue("2.5.29.14")).isNotNull(); // subject key identifier
    assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(ca.getSerialNumber().signum()).isPositive();
    assertThat(ca.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
    assertThat(ca.getNotAfter().toInstant()).isCloseTo(Instant.now().plus(Duration.ofDays(3650)), within(1, ChronoUnit.MINUTES));

    assertOwnerOnly(dir.resolve("ca-key.pem"));
    assertKeyMatches(key(dir.resolve("ca-key.pem")), ca.getPublicKey());

    assertThat(Files.readString(dir.resolve("crl.pem"))).startsWith("-----BEGIN X509 CRL-----");
    X509CRL crl = crl(dir.resolve("crl.pem"));
    crl.verify(ca.getPublicKey());
    assertThat(crl.getRevokedCertificates()).isNull();
    assertThat(CertificateAuthority.crlNumber(crl)).isEqualTo(1);
    assertThat(crl.getNextUpdate()).isEqualTo(ca.getNotAfter());
    assertThat(CertificateAuthority.open(dir).issued()).isEmpty();
  }

  @Test
  void anExistingCaIsNotOverwritten() throws Exception {
    Path dir = tmp.resolve("ca");
    CertificateAuthority.create(dir, "shoal", Duration.ofDays(10));
    String before = Files.readString(dir.resolve("ca.pem"));
    String key = Files.readString(dir.resolve("ca-key.pem"));
    assertThatThrownBy(() -> CertificateAuthority.create(dir, "shoal", Duration.ofDays(10)))
        .isInstanceOf(PkiException.class).hasMessageContaining("already holds a CA");
    assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo(before);
    assertThat(Files.readString(dir.resolve("ca-key.pem"))).isEqualTo(key);
  }

  @Test
  void aCoordinatorKitIsGoodForServersAndClientsWithDefaultSans() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    Path kitDir = tmp.resolve("coord");
    Kit kit = ca.issue("coord-1", Role.COORDINATOR, List.of(), List.of(), Duration.ofDays(365), kitDir);

    X509Certificate c = cert(kitDir.resolve("cert.pem"));
    c.verify(ca.certificate().getPublicKey());
    assertThat(c).isEqualTo(kit.certificate());
    assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=coord-1,OU=coordinator");
    assertThat(c.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(c.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
    assertThat(c.getBasicConstraints()).isEqualTo(-1);
    assertThat(c.getKeyUsage()[0]).isTrue(); // digitalSignature
    assertThat(c.getKeyUsage()[5]).isFalse();
    assertThat(c.getCriticalExtensionOIDs()).contains("2.5.29.15", "2.5.29.19");
    assertThat(c.getExtensionValue("2.5.29.35")).isNotNull(); // authority key identifier
    assertThat(sans(c)).containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    assertThat(c.getNotAfter().toInstant()).isCloseTo(Instant.now().plus(Duration.ofDays(365)), within(1, ChronoUnit.MINUTES));
    assertThat(c.getNotBefore().toInstant()).isBefore(Instant.now());
    c.checkValidity();
    assertThat(c.getSerialNumber().signum()).isPositive();

    assertOwnerOnly(kitDir.resolve("key.pem"));
    assertKeyMatches(key(kitDir.resolve("key.pem")), c.getPublicKey());
    for (String f : List.of("cert.pem", "ca.pem", "crl.pem", "shoal.yaml")) {
      assertThat(Files.getPosixFilePermissions(kitDir.resolve(f))).as(f)
          .contains(java.nio.file.attribute.PosixFilePermission.OWNER_READ)
          .doesNotContain(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE,
              java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
    }
    assertThat(cert(kitDir.resolve("ca.pem"))).isEqualTo(ca.certificate());
    assertThat(Files.readString(kitDir.resolve("crl.pem"))).isEqualTo(Files.readString(ca.crlFile()));
    assertThat(Files.readString(kitDir.resolve("cert.pem"))).containsOnlyOnce("BEGIN CERTIFICATE");
    assertThat(Files.readString(kitDir.resolve("shoal.yaml")))
        .contains("kit: '" + kitDir.toAbsolutePath() + "'").doesNotContain("name:");
    validate(c, ca.certificate(), ca.crl());

    List<IssuedCertificate> issued = ca.issued();
    assertThat(issued).singleElement().satisfies(i -> {
      assertThat(i.serial()).isEqualTo(c.getSerialNumber().toString(16));
      assertThat(i.name()).isEqualTo("coord-1");
      assertThat(i.role()).isEqualTo("coordinator");
      assertThat(Instant.parse(i.notAfter())).isEqualTo(c.getNotAfter().toInstant());
      assertThat(i.revoked()).isFalse();
    });
  }

  @Test
  void aCoordinatorTakesTheGivenDnsNamesAndAddresses() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    Kit kit = ca.issue("c", Role.COORDINATOR, List.of("coord.example.org", "coord"), List.of("10.0.0.7", "::1"),
        Duration.ofDays(30), tmp.resolve("k"));
    assertThat(sans(kit.certificate())).containsExactlyInAnyOrder(List.of(2, "coord.example.org"), List.of(2, "coord"),
        List.of(7, "10.0.0.7"), List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(kit.certificate().getNotAfter().toInstant())
        .isCloseTo(Instant.now().plus(Duration.ofDays(30)), within(1, ChronoUnit.MINUTES));
  }

  @Test
  void aRelayKitIsGoodForServersAndClientsAndCarriesTheRevocationList() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    Path kitDir = tmp.resolve("relay");
    Kit kit = ca.issue("region-1", Role.parse("relay"), List.of(), List.of(), Duration.ofDays(365), kitDir);
    X509Certificate c = kit.certificate();
    c.verify(ca.certificate().getPublicKey());
    assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=region-1,OU=relay");
    assertThat(Role.of(c)).isEqualTo(Role.RELAY);
    assertThat(c.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
    assertThat(sans(c)).containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    assertThat(Files.readString(kitDir.resolve("crl.pem"))).isEqualTo(Files.readString(ca.crlFile()));
    assertThat(ca.issued()).singleElement().satisfies(i -> assertThat(i.role()).isEqualTo("relay"));
    assertThat(Role.RELAY.serves()).isTrue();
    assertThat(Role.RELAY.trains()).isTrue();
    assertThat(Role.NODE.serves()).isFalse();
    assertThat(Role.COORDINATOR.trains()).isFalse();
    assertThat(Role.PEER.serves()).isTrue();
    assertThat(Role.PEER.trains()).as("a peer never dials a coordinator as its node").isFalse();
    assertThat(Role.parse("peer")).isEqualTo(Role.PEER);
  }

  @Test
  void aNodeKitIsGoodForClientsOnly() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    Path kitDir = tmp.resolve("node");
    ca.issue("site_1", Role.NODE, List.of(), List.of(), Duration.ofDays(365), kitDir);
    X509Certificate c = cert(kitDir.resolve("cert.pem"));
    c.verify(ca.certificate().getPublicKey());
    assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=site_1,OU=node");
    assertThat(c.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(c.getSubjectAlternativeNames()).isNull();
    assertThat(kitDir.resolve("crl.pem")).doesNotExist();
    assertOwnerOnly(kitDir.resolve("key.pem"));
    assertKeyMatches(key(kitDir.resolve("key.pem")), c.getPublicKey());
    assertThat(Files.readString(kitDir.resolve("shoal.yaml"))).contains("name: 'site_1'");
  }

  @Test
  void badNamesRolesAndAddressesAreRefused() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    for (String bad : List.of("", "-a", ".a", "a b", "a/b", "a,OU=coordinator", "é", "x".repeat(65))) {
      assertThatThrownBy(() -> ca.issue(bad, Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("k")))
          .as(bad).isInstanceOf(PkiException.class).hasMessageContaining("is not allowed");
    }
    ca.issue("x".repeat(64), Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("long"));
    for (String bad : List.of("admin", "Node", "COORDINATOR", "")) {
      assertThatThrownBy(() -> Role.parse(bad)).isInstanceOf(PkiException.class).hasMessageContaining("role must be");
    }
    assertThatThrownBy(() -> ca.issue("c", Role.COORDINATOR, List.of("bad host"), List.of(), Duration.ofDays(1),
        tmp.resolve("k"))).isInstanceOf(PkiException.class).hasMessageContaining("DNS");
    assertThatThrownBy(() -> ca.issue("c", Role.COORDINATOR, List.of(), List.of("example.org"), Duration.ofDays(1),
        tmp.resolve("k"))).isInstanceOf(PkiException.class).hasMessageContaining("IP");
    assertThatThrownBy(() -> CertificateAuthority.create(tmp.resolve("ca2"), "a b", Duration.ofDays(1)))
        .isInstanceOf(PkiException.class);
    assertThat(tmp.resolve("k")).doesNotExist();
    assertThat(ca.issued()).hasSize(1);
  }

  @Test
  void anExistingKitsKeyIsNotOverwritten() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    Path kitDir = tmp.resolve("node");
    ca.issue("n", Role.NODE, List.of(), List.of(), Duration.ofDays(1), kitDir);
    String key = Files.readString(kitDir.resolve("key.pem"));
    String cert = Files.readString(kitDir.resolve("cert.pem"));
    assertThatThrownBy(() -> ca.issue("n", Role.NODE, List.of(), List.of(), Duration.ofDays(1), kitDir))
        .isInstanceOf(PkiException.class).hasMessageContaining("refusing to overwrite");
    assertThat(Files.readString(kitDir.resolve("key.pem"))).isEqualTo(key);
    assertThat(Files.readString(kitDir.resolve("cert.pem"))).isEqualTo(cert);
    assertThat(ca.issued()).hasSize(1);
  }

  @Test
  void revokingANameListsItsCertificatesInTheCrlWithTheNextNumber() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    X509Certificate a1 = ca.issue("a", Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("a1")).certificate();
    X509Certificate a2 = ca.issue("a", Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("a2")).certificate();
    X509Certificate b = ca.issue("b", Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("b")).certificate();
    X509Certificate c = ca.issue("c", Role.COORDINATOR, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("c")).certificate();
    int before = CertificateAuthority.crlNumber(crl(ca.crlFile())).intValue();

    List<IssuedCertificate> revoked = ca.revoke("a");

    assertThat(revoked).extracting(IssuedCertificate::serial)
        .containsExactly(a1.getSerialNumber().toString(16), a2.getSerialNumber().toString(16));
    X509CRL crl = crl(ca.crlFile());
    crl.verify(ca.certificate().getPublicKey());
    assertThat(crl.isRevoked(a1)).isTrue();
    assertThat(crl.isRevoked(a2)).isTrue();
    assertThat(crl.isRevoked(b)).isFalse();
    assertThat(crl.isRevoked(c)).isFalse();
    assertThat(CertificateAuthority.crlNumber(crl).intValue()).isEqualTo(before + 1);
    assertThat(ca.issued()).extracting(IssuedCertificate::name, IssuedCertificate::revoked)
        .containsExactly(tuple("a", true), tuple("a", true),
            tuple("b", false), tuple("c", false));
    assertThat(ca.issued().get(0).revokedAt()).isNotNull();
    validate(b, ca.certificate(), crl);
    assertThatThrownBy(() -> validate(a1, ca.certificate(), crl)).isInstanceOf(CertPathValidatorException.class)
        .hasMessageContaining("revoked");
    // the coordinator's kit still holds the old CRL until the admin copies the new one
    assertThat(crl(tmp.resolve("c/crl.pem")).isRevoked(a1)).isFalse();

    assertThatThrownBy(() -> ca.revoke("a")).isInstanceOf(PkiException.class).hasMessageContaining("already revoked");
    assertThatThrownBy(() -> ca.revoke("nobody")).isInstanceOf(PkiException.class)
        .hasMessageContaining("no certificate was issued to 'nobody'");
    assertThat(CertificateAuthority.crlNumber(crl(ca.crlFile())).intValue()).isEqualTo(before + 1);

    ca.revoke("b");
    X509CRL next = CertificateAuthority.open(ca.dir()).crl();
    assertThat(CertificateAuthority.crlNumber(next).intValue()).isEqualTo(before + 2);
    assertThat(next.isRevoked(a1)).isTrue();
    assertThat(next.isRevoked(b)).isTrue();
    assertThat(next.isRevoked(c)).isFalse();
    try (var files = Files.list(ca.dir())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("ca.pem", "ca-key.pem", "crl.pem", "issued.json");
    }
  }

  @Test
  void aRotationRevokesTheOldCertificateBySerialAndKeepsTheNewOne() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    X509Certificate old = ca.issue("n", Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("old")).certificate();
    X509Certificate fresh = ca.issue("n", Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("new")).certificate();
    String hex = old.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);

    assertThat(ca.revoke("n", hex)).extracting(IssuedCertificate::serial).containsExactly(old.getSerialNumber().toString(16));
    assertThat(ca.crl().isRevoked(old)).isTrue();
    assertThat(ca.crl().isRevoked(fresh)).isFalse();
    assertThatThrownBy(() -> ca.revoke("n", hex)).isInstanceOf(PkiException.class).hasMessageContaining("already revoked");
    assertThatThrownBy(() -> ca.revoke("other", fresh.getSerialNumber().toString(16))).isInstanceOf(PkiException.class)
        .hasMessageContaining("no certificate with serial");
    assertThatThrownBy(() -> ca.revoke("n", "xyz")).isInstanceOf(PkiException.class).hasMessageContaining("hexadecimal");
    assertThat(ca.crl().isRevoked(fresh)).isFalse();
  }

  @Test
  void anExpiredCertificateCanBeIssuedForTests() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    Instant now = Instant.now();
    Kit kit = ca.issue("old", Role.NODE, List.of(), List.of(), now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)),
        tmp.resolve("old"));
    X509Certificate c = cert(kit.cert());
    c.verify(ca.certificate().getPublicKey());
    assertThatThrownBy(c::checkValidity).isInstanceOf(CertificateExpiredException.class);
  }

  @Test
  void certificatesFromAnotherCaAndSelfSignedOnesDoNotVerify() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(tmp.resolve("ca"), "shoal", Duration.ofDays(3650));
    CertificateAuthority other = CertificateAuthority.create(tmp.resolve("other"), "shoal", Duration.ofDays(3650));
    X509Certificate foreign = other.issue("n", Role.NODE, List.of(), List.of(), Duration.ofDays(1), tmp.resolve("f"))
        .certificate();
    assertThat(foreign.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThatThrownBy(() -> foreign.verify(ca.certificate().getPublicKey())).isInstanceOf(java.security.SignatureException.class);
    assertThatThrownBy(() -> validate(foreign, ca.certificate(), ca.crl())).isInstanceOf(CertPathValidatorException.class);

    Kit self = CertificateAuthority.selfSigned("n", Role.COORDINATOR, List.of(), List.of(), Duration.ofDays(1),
        tmp.resolve("self"));
    X509Certificate s = cert(self.cert());
    s.verify(s.getPublicKey());
    assertThat(s.getSubjectX500Principal()).isEqualTo(s.getIssuerX500Principal());
    assertThat(s.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
    assertThat(cert(self.ca())).isEqualTo(s);
    assertOwnerOnly(self.key());
    assertKeyMatches(key(self.key()), s.getPublicKey());
    assertThatThrownBy(() -> validate(s, ca.certificate(), ca.crl())).isInstanceOf(CertPathValidatorException.class);
    assertThat(ca.issued()).isEmpty();
  }
}
