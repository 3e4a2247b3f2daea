package dev.shoal.pki;

import java.security.cert.X509Certificate;
import java.util.Locale;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** A participant's role, written as the certificate subject's OU. */
public enum Role {
  /** Serves the federation: its certificate is good for TLS servers and clients. */
  COORDINATOR,
  /** Dials the coordinator: its certificate is good for TLS clients only. */
  NODE;

  /** The OU value: {@code coordinator} or {@code node}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code coordinator} or {@code node}, exactly. */
  public static Role parse(String role) {
    for (Role r : values()) {
      if (r.label().equals(role)) {
        return r;
      }
    }
    throw new PkiException("role must be 'coordinator' or 'node', not '" + role + "'");
  }

  /** The role in a participant certificate's subject OU. */
  public static Role of(X509Certificate certificate) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    RDN[] ou = subject.getRDNs(BCStyle.OU);
    if (ou.length != 1) {
      throw new PkiException("the certificate's subject " + subject + " names no single OU role");
    }
    return parse(IETFUtils.valueToString(ou[0].getFirst().getValue()));
  }

  @Override
  public String toString() {
    return label();
  }
}
