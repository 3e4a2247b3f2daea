package dev.shoal.pki;

/** A request the PKI refuses: a bad name or role, an existing CA or kit, an unknown name, a bad CSR. */
public class PkiException extends RuntimeException {

  public PkiException(String message) {
    super(message);
  }

  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
