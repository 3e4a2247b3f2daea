package dev.shoal.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * How a federation's certificates are made: ECDSA P-256 keys, SHA256withECDSA signatures,
 * random 128-bit serials, subjects {@code CN=<name>, OU=<role>}, and the extensions a
 * participant's certificate carries.
 */
final class X509 {

  static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private X509() {}


  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static ContentSigner signer(PrivateKey key) {
    try {
      return new JcaContentSignerBuilder(SIGNATURE).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code CN=<name>, OU=<role>}, encoded so that the JDK prints it that way. */
  static X500Principal subject(String name, Role role) {
    return new X500Principal("CN=" + name + ", OU=" + role.label());
  }

  /** Checked SANs: the given ones; for a coordinator given none, DNS localhost and IP 127.0.0.1. */
  static List<GeneralName> subjectAltNames(Role role, List<String> dns, List<String> ips) {
    List<String> d = dns == null ? List.of() : dns;
    List<String> a = ips == null ? List.of() : ips;
    if (role.serves() && d.isEmpty() && a.isEmpty()) {
      d = List.of("localhost");
      a = List.of("127.0.0.1");
    }
    List<GeneralName> names = new ArrayList<>();
    for (String host : d) {
      names.add(new GeneralName(GeneralName.dNSName, Names.checkDns(host)));
    }
    for (String ip : a) {
      names.add(new GeneralName(GeneralName.iPAddress, Names.checkIp(ip)));
    }
    return names;
  }

  static X509Certificate leaf(String name, Role role, PublicKey publicKey, List<GeneralName> sans,
      Instant notBefore, Instant notAfter, X509Certificate issuer, PrivateKey signingKey) {
    if (!notAfter.isAfter(notBefore)) {
      throw new PkiException("notAfter must come after notBefore");
    }
    X500Principal subject = subject(name, role);
    try {
      var utils = new JcaX509ExtensionUtils();
      var builder = new JcaX509v3CertificateBuilder(issuer == null ? subject : issuer.getSubjectX500Principal(),
          serial(), Date.from(notBefore.truncatedTo(ChronoUnit.SECONDS)),
          Date.from(notAfter.truncatedTo(ChronoUnit.SECONDS)), subject, publicKey)
          .addExtension(Extension.authorityKeyIdentifier, false,
              utils.createAuthorityKeyIdentifier(issuer == null ? publicKey : issuer.getPublicKey()))
          .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey))
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, role.serves()
              ? new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})
              : new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      if (!sans.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      return PemFiles.certificate(builder.build(signer(signingKey)).getEncoded());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static BigInteger serial() {
    BigInteger serial;
    do {
      serial = new BigInteger(128, RANDOM);
    } while (serial.signum() == 0);
    return serial;
  }
}
