package dev.shoal.anchor;

/** The contract reverted a transaction; {@link #reason()} is the revert reason it gave. */
public final class AnchorRejectedException extends AnchorException {

  private final String reason;

  public AnchorRejectedException(String what, String reason) {
    super(what + " was rejected by the ShoalAnchor contract: " + reason);
    this.reason = reason;
  }

  /** The contract's revert reason, e.g. {@code ShoalAnchor: only the owner may write}. */
  public String reason() {
    return reason;
  }
}
