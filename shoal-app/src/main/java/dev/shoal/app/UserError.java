package dev.shoal.app;

/**
 * A failure the user can fix; printed as one line without a stack trace. Anything else that
 * escapes a command is a bug in Shoal and is reported as an internal error ({@link FailureReport}).
 */
public class UserError extends RuntimeException {

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }

  /** A check or parse of values the user gave. */
  @FunctionalInterface
  interface Check<T, E extends Exception> {
    T get() throws E;
  }

  /**
   * Runs a check of values the user gave (a core validator, a parser): an {@link IllegalArgumentException}
   * it throws is the user's mistake, so it becomes a {@link UserError} with the same message.
   */
  static <T, E extends Exception> T check(Check<T, E> check) throws E {
    try {
      return check.get();
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
  }
}
