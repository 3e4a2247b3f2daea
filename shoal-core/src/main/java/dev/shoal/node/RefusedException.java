package dev.shoal.node;

import java.io.IOException;

/**
 * The coordinator (or the connection's security checks) refused this node: a revoked or foreign
 * certificate, a name the node may not use, a coordinator that is not one. Trying again will not
 * help, so the node stops and says why.
 */
public class RefusedException extends IOException {

  public RefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
