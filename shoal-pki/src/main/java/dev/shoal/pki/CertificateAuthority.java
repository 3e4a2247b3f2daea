package dev.shoal.pki;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The federation's certificate authority, kept in a directory: {@code ca.pem} (self-signed CA
 * certificate), {@code ca-key.pem} (its PKCS#8 private key, mode 0600), {@code crl.pem} (the
 * revocation list) and {@code issued.json} (every certificate it issued).
 *
 * <p>Keys are ECDSA P-256, signatures SHA256withECDSA, serial numbers 128-bit random positive.
 * Certificates start {@link #BACKDATE} before they are issued, to tolerate clock skew. The CRL's
 * nextUpdate is the CA certificate's notAfter: it never lapses while the CA is valid, and it is
 * re-signed (with the next CRL number) on every revocation.
 */
public final class CertificateAuthority {

  public static final String CA_CERT = "ca.pem";
  public static final String CA_KEY = "ca-key.pem";
  public static final String CRL = "crl.pem";
  public static final String INDEX = "issued.json";
  public static final String DEFAULT_NAME = "shoal";
  public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
  /** How far before issuance a certificate's notBefore lies. */
  public static final Duration BACKDATE = Duration.ofMinutes(5);

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;
  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(Path dir, X509Certificate certificate, PrivateKey key) {
    this.dir = dir;
    this.certificate = certificate;
    this.key = key;
  }

  /** Creates a new CA in {@code dir} (created if absent); refuses a directory that already holds one. */
  public static CertificateAuthority create(Path dir, String federation, Duration validity) throws IOException {
    Names.checkName("federation name", federation);
    requirePositive(validity);
    for (String f : List.of(CA_CERT, CA_KEY, CRL, INDEX)) {
      if (Files.exists(dir.resolve(f))) {
        throw new PkiException(dir + " already holds a CA (" + f + " exists): refusing to overwrite it");
      }
    }
    Files.createDirectories(dir);
    KeyPair pair = X509.newKeyPair();
    Instant now = now();
    X500Principal subject = new X500Principal("CN=" + federation + " CA");
    try {
      var utils = new JcaX509ExtensionUtils();
      var builder = new JcaX509v3CertificateBuilder(subject, X509.serial(), Date.from(now.minus(BACKDATE)),
          Date.from(now.plus(validity)), subject, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = PemFiles.certificate(builder.build(X509.signer(pair.getPrivate())).getEncoded());
      PemFiles.writePrivateKey(dir.resolve(CA_KEY), pair.getPrivate());
      CertificateAuthority ca = new CertificateAuthority(dir, cert, pair.getPrivate());
      PemFiles.writeNew(dir.resolve(CA_CERT), PemFiles.pem(cert));
      PemFiles.replace(dir.resolve(INDEX), JSON.writeValueAsString(List.of()));
      PemFiles.replace(dir.resolve(CRL), PemFiles.pem(ca.buildCrl(List.of(), BigInteger.ONE, now)));
      return ca;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens an existing CA directory. */
  public static CertificateAuthority open(Path dir) throws IOException {
    for (String f : List.of(CA_CERT, CA_KEY, CRL, INDEX)) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new PkiException(dir + " is not a CA directory: " + f + " is missing (create one with shoal pki init)");
      }
    }
    return new CertificateAuthority(dir, PemFiles.readCertificate(dir.resolve(CA_CERT)),
        PemFiles.readPrivateKey(dir.resolve(CA_KEY)));
  }

  public Path dir() {
    return dir;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public Path crlFile() {
    return dir.resolve(CRL);
  }

  public X509CRL crl() throws IOException {
    return PemFiles.readCrl(crlFile());
  }

  /** The CRL number of a CRL. */
  public static BigInteger crlNumber(X509CRL crl) {
    byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
    if (ext == null) {
      throw new PkiException("the CRL has no CRL number");
    }
    try {
      return ASN1Integer.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ext)).getValue();
    } catch (IOException e) {
      throw new PkiException("the CRL's CRL number is malformed", e);
    }
  }

  /** Every certificate this CA issued, in issuing order. */
  public List<IssuedCertificate> issued() throws IOException {
    try (Reader in = Files.newBufferedReader(dir.resolve(INDEX), StandardCharsets.UTF_8)) {
      return JSON.readValue(in, new TypeReference<List<IssuedCertificate>>() {});
    }
  }

  /** Issues a certificate valid from now (less {@link #BACKDATE}) for {@code validity} and writes its kit. */
  public Kit issue(String name, Role role, List<String> dns, List<String> ips, Duration validity, Path kitDir)
      throws IOException {
    requirePositive(validity);
    Instant now = now();
    return issue(name, role, dns, ips, now.minus(BACKDATE), now.plus(validity), kitDir);
  }

  /** Issues a certificate with explicit validity (e.g. an already expired one, for tests) and writes its kit. */
  public Kit issue(String name, Role role, List<String> dns, List<String> ips, Instant notBefore, Instant notAfter,
      Path kitDir) throws IOException {
    Names.checkName("name", name);
    List<GeneralName> sans = X509.subjectAltNames(role, dns, ips);
    requireNoKey(kitDir);
    KeyPair pair = X509.newKeyPair();
    X509Certificate cert = X509.leaf(name, role, pair.getPublic(), sans, notBefore, notAfter, certificate, key);
    Kit kit = writeKit(kitDir, name, role, pair.getPrivate(), cert, certificate, role.serves() ? crlFile() : null);
    record(cert, name, role);
    return kit;
  }

  /**
   * Issues a certificate for a PKCS#10 request (see {@link Csr}), exactly as {@link #issue} would:
   * the name is the subject's CN, the role its OU, the SANs those requested. Writes the certificate
   * to {@code certFile} (refusing an existing one), {@code ca.pem} next to it, and for a coordinator
   * {@code crl.pem} too.
   */
  public X509Certificate sign(Path csrFile, Duration validity, Path certFile) throws IOException {
    return sign(csrFile, validity, certFile, null, false);
  }

  /**
   * Signs a request as {@link #sign(Path, Duration, Path)} does, with what the CA's keeper states:
   * {@code statedRole}, the role agreed with the site (null: node) — a request for a coordinator
   * certificate is refused unless the keeper states that role, since a coordinator can serve the
   * whole federation — and {@code replace}: a name that already holds an unrevoked certificate is
   * refused unless it is true, and then the old certificates are revoked once the new one is issued.
   */
  public X509Certificate sign(Path csrFile, Duration validity, Path certFile, Role statedRole, boolean replace)
      throws IOException {
    requirePositive(validity);
    PKCS10CertificationRequest csr = Csr.read(csrFile);
    try {
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
        throw new PkiException(csrFile + ": the request's signature does not verify: refusing it");
      }
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      if (e instanceof PkiException p) {
        throw p;
      }
      throw new PkiException(csrFile + ": the request's signature cannot be checked: " + e.getMessage(), e);
    }
    String[] subject = nameAndRole(csr.getSubject(), csrFile);
    String name = Names.checkName("name", subject[0]);
    Role role = Role.parse(subject[1]);
    Role stated = statedRole == null ? Role.NODE : statedRole;
    if (role != stated) {
      throw new PkiException(csrFile + ": the request asks for a " + role.label() + " certificate for '" + name
          + "', not a " + stated.label() + " one" + (role.serves()
              ? "; a " + role.label() + " can serve nodes: sign it with --role " + role.label()
                  + " only if that is what was agreed with the site" : ""));
    }
    List<IssuedCertificate> taken = issued().stream().filter(c -> c.name().equals(name) && !c.revoked()).toList();
    if (!taken.isEmpty() && !replace) {
      throw new PkiException("'" + name + "' already holds " + describe(taken) + "; refusing to issue a second one"
          + " under another key: sign with --replace to revoke the old one and issue this, or ask the site for"
          + " another name");
    }
    requireP256(csr.getSubjectPublicKeyInfo(), csrFile);
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    Extensions requested = csr.getRequestedExtensions();
    if (requested != null) {
      for (ASN1ObjectIdentifier oid : requested.getExtensionOIDs()) {
        if (!oid.equals(Extension.subjectAlternativeName)) {
          throw new PkiException(csrFile + ": the request asks for extension " + oid + ": only subjectAltName is allowed");
        }
      }
      GeneralNames names = GeneralNames.fromExtensions(requested, Extension.subjectAlternativeName);
      if (names != null) {
        for (GeneralName n : names.getNames()) {
          switch (n.getTagNo()) {
            case GeneralName.dNSName -> dns.add(((ASN1String) n.getName()).getString());
            case GeneralName.iPAddress ->
                ips.add(InetAddress.getByAddress(DEROctetString.getInstance(n.getName()).getOctets()).getHostAddress());
            default -> throw new PkiException(csrFile + ": the request asks for a subject alternative name that is"
                + " neither a DNS name nor an IP address");
          }
        }
      }
    }
    List<GeneralName> sans = X509.subjectAltNames(role, dns, ips);
    if (Files.exists(certFile)) {
      throw new PkiException(certFile + " already exists: refusing to overwrite it");
    }
    PublicKey publicKey;
    try {
      publicKey = new JcaPKCS10CertificationRequest(csr).getPublicKey();
    } catch (GeneralSecurityException e) {
      throw new PkiException(csrFile + ": the request's public key is unusable: " + e.getMessage(), e);
    }
    Instant now = now();
    X509Certificate cert = X509.leaf(name, role, publicKey, sans, now.minus(BACKDATE), now.plus(validity), certificate, key);
    Path out = certFile.toAbsolutePath().getParent();
    Files.createDirectories(out);
    PemFiles.writeNew(certFile, PemFiles.pem(cert));
    PemFiles.replace(out.resolve(Kit.CA), PemFiles.pem(certificate));
    if (role.serves()) {
      PemFiles.replace(out.resolve(Kit.CRL), Files.readString(crlFile(), StandardCharsets.US_ASCII));
    }
    record(cert, name, role);
    for (IssuedCertificate old : taken) {
      revoke(name, old.serial());
    }
    return cert;
  }

  private static String describe(List<IssuedCertificate> certificates) {
    return certificates.stream().map(c -> "a " + c.role() + " certificate (serial " + c.serial() + ", valid until "
        + c.notAfter() + ")").collect(java.util.stream.Collectors.joining(" and "));
  }

  /**
   * Revokes every unrevoked certificate issued to {@code name}, and re-signs {@code crl.pem} with
   * every revoked serial and the next CRL number. Returns what it revoked.
   */
  public List<IssuedCertificate> revoke(String name) throws IOException {
    return revoke(name, null);
  }

  /**
   * Revokes the certificate of {@code name} with this serial (hex, colons allowed), or with a null
   * serial every unrevoked one; re-signs {@code crl.pem} as {@link #revoke(String)} does. Revoking
   * by serial lets a rotation revoke the old certificate and keep the new one.
   */
  public List<IssuedCertificate> revoke(String name, String serial) throws IOException {
    Names.checkName("name", name);
    String wanted = serial == null ? null : normalSerial(serial);
    List<IssuedCertificate> all = new ArrayList<>(issued());
    List<IssuedCertificate> revoked = new ArrayList<>();
    Instant now = now();
    boolean known = false;
    for (int i = 0; i < all.size(); i++) {
      IssuedCertificate c = all.get(i);
      if (c.name().equals(name) && (wanted == null || normalSerial(c.serial()).equals(wanted))) {
        known = true;
        if (!c.revoked()) {
          all.set(i, c.revokedAt(now));
          revoked.add(all.get(i));
        }
      }
    }
    if (!known) {
      throw new PkiException("no certificate " + (wanted == null ? "" : "with serial " + wanted + " ")
          + "was issued to '" + name + "' by the CA in " + dir);
    }
    if (revoked.isEmpty()) {
      throw new PkiException(wanted == null ? "every certificate issued to '" + name + "' is already revoked"
          : "certificate " + wanted + " of '" + name + "' is already revoked");
    }
    BigInteger number = crlNumber(crl()).add(BigInteger.ONE);
    // the CRL first: should the index write fail, the certificate is revoked all the same
    PemFiles.replace(crlFile(), PemFiles.pem(buildCrl(all, number, now)));
    PemFiles.replace(dir.resolve(INDEX), JSON.writeValueAsString(all));
    return revoked;
  }

  /**
   * A self-signed participant certificate (no CA: issuer = subject) with the same extensions as an
   * issued one, written as a kit whose ca.pem is the certificate itself. For tests of what a
   * federation must refuse.
   */
  public static Kit selfSigned(String name, Role role, List<String> dns, List<String> ips, Duration validity,
      Path kitDir) throws IOException {
    Names.checkName("name", name);
    List<GeneralName> sans = X509.subjectAltNames(role, dns, ips);
    requireNoKey(kitDir);
    KeyPair pair = X509.newKeyPair();
    Instant now = now();
    X509Certificate cert = X509.leaf(name, role, pair.getPublic(), sans, now.minus(BACKDATE), now.plus(validity), null,
        pair.getPrivate());
    return writeKit(kitDir, name, role, pair.getPrivate(), cert, cert, null);
  }

  private X509CRL buildCrl(List<IssuedCertificate> all, BigInteger number, Instant now) throws IOException {
    var builder = new X509v2CRLBuilder(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
        Date.from(now));
    builder.setNextUpdate(certificate.getNotAfter());
    for (IssuedCertificate c : all) {
      if (c.revoked()) {
        builder.addCRLEntry(new BigInteger(c.serial(), 16), Date.from(Instant.parse(c.revokedAt())), 0);
      }
    }
    try {
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate.getPublicKey()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    X509CRLHolder holder = builder.build(X509.signer(key));
    return PemFiles.crl(holder.getEncoded());
  }

  private static Kit writeKit(Path kitDir, String name, Role role, PrivateKey privateKey, X509Certificate cert,
      X509Certificate ca, Path crl) throws IOException {
    Files.createDirectories(kitDir);
    Kit kit = new Kit(kitDir, cert);
    PemFiles.writePrivateKey(kit.key(), privateKey);
    PemFiles.replace(kit.cert(), PemFiles.pem(cert));
    PemFiles.replace(kit.ca(), PemFiles.pem(ca));
    if (crl != null) {
      PemFiles.replace(kit.crl(), Files.readString(crl, StandardCharsets.US_ASCII));
    }
    PemFiles.replace(kit.config(), Csr.config(kitDir, name, role, cert));
    return kit;
  }

  private static void requireNoKey(Path kitDir) {
    if (Files.exists(kitDir.resolve(Kit.KEY))) {
      throw new PkiException(kitDir.resolve(Kit.KEY) + " already exists: refusing to overwrite a kit's key"
          + " (issue into a new directory)");
    }
  }

  private synchronized void record(X509Certificate cert, String name, Role role) throws IOException {
    List<IssuedCertificate> all = new ArrayList<>(issued());
    all.add(new IssuedCertificate(cert.getSerialNumber().toString(16), name, role.label(),
        cert.getNotBefore().toInstant().toString(), cert.getNotAfter().toInstant().toString(), false, null));
    PemFiles.replace(dir.resolve(INDEX), JSON.writeValueAsString(all));
  }

  private static String[] nameAndRole(X500Name subject, Path csrFile) {
    String cn = null;
    String ou = null;
    RDN[] rdns = subject.getRDNs();
    for (RDN rdn : rdns) {
      if (rdn.isMultiValued()) {
        throw new PkiException(csrFile + ": refusing subject " + subject + ": expected CN=<name>, OU=<role>");
      }
      ASN1ObjectIdentifier type = rdn.getFirst().getType();
      ASN1Encodable value = rdn.getFirst().getValue();
      String text = value instanceof ASN1String s ? s.getString() : null;
      if (type.equals(BCStyle.CN) && cn == null) {
        cn = text;
      } else if (type.equals(BCStyle.OU) && ou == null) {
        ou = text;
      } else {
        throw new PkiException(csrFile + ": refusing subject " + subject + ": expected CN=<name>, OU=<role>");
      }
    }
    if (cn == null || ou == null) {
      throw new PkiException(csrFile + ": refusing subject " + subject + ": expected CN=<name>, OU=<role>");
    }
    return new String[] {cn, ou};
  }

  private static void requireP256(SubjectPublicKeyInfo info, Path csrFile) {
    if (!info.getAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)
        || !SECObjectIdentifiers.secp256r1.equals(info.getAlgorithm().getParameters())) {
      throw new PkiException(csrFile + ": the request's key is not an ECDSA P-256 key");
    }
  }

  private static String normalSerial(String hex) {
    try {
      return new BigInteger(hex.replace(":", ""), 16).toString(16);
    } catch (NumberFormatException e) {
      throw new PkiException("'" + hex + "' is not a hexadecimal serial number");
    }
  }

  private static void requirePositive(Duration validity) {
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new PkiException("validity must be positive, not " + validity);
    }
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }
}
