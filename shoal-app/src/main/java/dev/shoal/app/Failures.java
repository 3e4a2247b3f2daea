package dev.shoal.app;

import dev.shoal.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Tells expected failures (what a user can act on: a bad file or value, a refused state
 * directory, a damaged ledger, a full disk) from bugs, through any wrapping, so the command line
 * prints each refusal once, as one line.
 */
final class Failures {

  private Failures() {}

  /** The outermost expected failure in {@code e}'s chain of causes, or null when it is a bug. */
  static Throwable expected(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (FailureReport.isUsers(t) || t instanceof StoreException || t instanceof UncheckedIOException) {
        return t;
      }
    }
    return null;
  }

  /** The one line to print: the failure's message, without the class names a wrapper adds. */
  static String message(Throwable t) {
    if (t instanceof UncheckedIOException u && u.getCause() != null
        && (u.getMessage() == null || u.getMessage().equals(u.getCause().toString()))) {
      return message(u.getCause());
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
