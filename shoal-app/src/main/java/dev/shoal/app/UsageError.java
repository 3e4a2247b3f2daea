package dev.shoal.app;

/**
 * Options that cannot work as given — a value outside what an option allows, options that
 * exclude or need each other: printed as one line, exit code 2 like any other usage error.
 */
public class UsageError extends UserError {

  public UsageError(String message) {
    super(message);
  }

  UsageError(String message, Throwable cause) {
    super(message, cause);
  }

  /** Like {@link UserError#check}, for a value given as an option: its refusal exits 2. */
  static <T, E extends Exception> T checkOption(Check<T, E> check) throws E {
    try {
      return check.get();
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage(), e);
    }
  }
}
