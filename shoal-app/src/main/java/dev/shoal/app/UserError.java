package dev.shoal.app;

/** A failure the user can fix; printed as one line without a stack trace. */
public class UserError extends RuntimeException {

  public UserError(String message) {
    super(message);
  }
}
