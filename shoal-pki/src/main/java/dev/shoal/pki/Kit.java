package dev.shoal.pki;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * A participant's kit directory: {@code key.pem} (PKCS#8, mode 0600), {@code cert.pem} (the
 * participant's certificate only), {@code ca.pem} (the federation's CA certificate),
 * {@code shoal.yaml}, and for a coordinator also {@code crl.pem}.
 */
public record Kit(Path dir, X509Certificate certificate) {

  public static final String KEY = "key.pem";
  public static final String CERT = "cert.pem";
  public static final String CA = "ca.pem";
  public static final String CRL = "crl.pem";
  public static final String CONFIG = "shoal.yaml";

  public Path key() {
    return dir.resolve(KEY);
  }

  public Path cert() {
    return dir.resolve(CERT);
  }

  public Path ca() {
    return dir.resolve(CA);
  }

  public Path crl() {
    return dir.resolve(CRL);
  }

  public Path config() {
    return dir.resolve(CONFIG);
  }

  public BigInteger serial() {
    return certificate.getSerialNumber();
  }
}
