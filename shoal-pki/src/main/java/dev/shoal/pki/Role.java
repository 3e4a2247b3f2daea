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
  NODE,
  /**
   * A node to its parent (the coordinator or another relay) and a coordinator to its own nodes:
   * its certificate is good for TLS servers and clients, and it serves only its subtree.
   */
  RELAY,
  /**
   * One of a serverless federation's peers: it serves and dials other peers alike, and only them
   * ({@code shoal peer}); its certificate is good for TLS servers and clients.
   */
  PEER;

  /** The OU value: {@code coordinator}, {@code node}, {@code relay} or {@code peer}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this role's certificate may serve nodes: a coordinator's or a relay's. */
  public boolean serves() {
    return this != NODE;
  }

  /** Whether this role's certificate may dial a parent as one of its nodes: a node's or a relay's. */
  public boolean trains() {
    return this == NODE || this == RELAY;
  }

  /** Parses {@code coordinator}, {@code node}, {@code relay} or {@code peer}, exactly. */
  public static Role parse(String role) {
    for (Role r : values()) {
      if (r.label().equals(role)) {
        return r;
      }
    }
    throw new PkiException("role must be 'coordinator', 'node', 'relay' or 'peer', not '" + role + "'");
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
