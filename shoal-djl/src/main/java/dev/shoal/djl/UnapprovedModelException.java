package dev.shoal.djl;

/** A run names a TorchScript architecture (by content id) that this process was not given. */
public final class UnapprovedModelException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public UnapprovedModelException(String message) {
    super(message);
  }
}
