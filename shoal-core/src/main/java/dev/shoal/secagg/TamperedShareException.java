package dev.shoal.secagg;

import java.security.GeneralSecurityException;

/**
 * An encrypted share failed authentication: its ciphertext, nonce or bound context (sender,
 * receiver, round) is not what was sealed, or it was sealed under another key.
 */
public class TamperedShareException extends GeneralSecurityException {

  public TamperedShareException(String message, Throwable cause) {
    super(message, cause);
  }
}
