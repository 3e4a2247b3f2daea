package dev.shoal.app;

/**
 * Options that cannot work as given — a value outside what an option allows, options that
 * exclude or need each other: printed as one line, exit code 2 like any other usage error.
 */
public class UsageError extends UserError {

  public UsageError(String message) {
    super(message);
  }
}
