package dev.shoal.strategy;

/** An update that cannot be folded into the aggregate: wrong layout, non-finite values, etc. */
public class UpdateRejectedException extends Exception {

  public UpdateRejectedException(String message) {
    super(message);
  }
}
