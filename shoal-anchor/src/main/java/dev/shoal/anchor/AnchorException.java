package dev.shoal.anchor;

/** Anchoring failed: the chain could not be reached, is not the one configured, or refused a request. */
public class AnchorException extends RuntimeException {

  public AnchorException(String message) {
    super(message);
  }

  public AnchorException(String message, Throwable cause) {
    super(message, cause);
  }
}
