package dev.shoal.transport.tls;

import dev.shoal.pki.Role;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Who a certificate names: its common name, its Shoal role (the OU) and its serial number. */
public record Identity(String name, Role role, String serial) {

  /**
   * Reads the identity from a certificate's subject ({@code CN=name, OU=role}).
   *
   * @throws CertificateException if it has no CN or no Shoal role
   */
  public static Identity of(X509Certificate cert) throws CertificateException {
    String cn = null;
    String ou = null;
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = rdn.getValue().toString();
        } else if (rdn.getType().equalsIgnoreCase("OU")) {
          ou = rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      throw new CertificateException("unreadable subject " + cert.getSubjectX500Principal());
    }
    if (cn == null || cn.isBlank()) {
      throw new CertificateException("certificate names no participant (no CN in " + cert.getSubjectX500Principal() + ")");
    }
    for (Role r : Role.values()) {
      if (r.label().equals(ou)) {
        return new Identity(cn, r, cert.getSerialNumber().toString(16));
      }
    }
    throw new CertificateException("certificate of '" + cn + "' carries no Shoal role (OU must be coordinator or node)");
  }

  @Override
  public String toString() {
    return name + " (" + role.label() + ", serial " + serial + ")";
  }
}
