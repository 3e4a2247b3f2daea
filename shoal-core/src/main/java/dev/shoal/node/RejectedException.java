package dev.shoal.node;

import java.io.IOException;

/**
 * The coordinator refused one request as invalid (gRPC {@code INVALID_ARGUMENT}): an update it will
 * not take, a name it does not allow. The same request would be refused again, so it is not sent
 * again: the work it belonged to fails and is reported, and a node whose registration or poll is
 * refused this way stops and says why.
 */
public class RejectedException extends IOException {

  public RejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
