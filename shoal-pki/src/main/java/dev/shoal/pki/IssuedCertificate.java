package dev.shoal.pki;

import java.time.Instant;

/**
 * One entry of a CA's {@code issued.json}: a certificate the CA issued. {@code serial} is
 * lower-case hex; times are ISO-8601 UTC; {@code revokedAt} is null while {@code revoked} is false.
 */
public record IssuedCertificate(String serial, String name, String role, String notBefore, String notAfter,
    boolean revoked, String revokedAt) {

  IssuedCertificate revokedAt(Instant when) {
    return new IssuedCertificate(serial, name, role, notBefore, notAfter, true, when.toString());
  }
}
