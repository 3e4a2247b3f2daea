package dev.shoal.app;

import dev.shoal.anchor.AnchorException;
import dev.shoal.data.SchemaMismatchException;
import dev.shoal.djl.IncompatibleDataException;
import dev.shoal.djl.IncompatibleParametersException;
import dev.shoal.djl.UnknownModelException;
import dev.shoal.pki.PkiException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * How a failed command ends. The user's mistakes and the world's failures (a bad value, a missing
 * or malformed file, an unreachable peer) print one line {@code error: ...}; anything else is a bug
 * in Shoal: it prints {@code internal error: ...} and a request to report it, and its stack trace
 * goes to the log. Both exit {@link Main#FAILED}, except options that cannot work as given
 * ({@link UsageError}, an unknown model), which exit {@link Main#USAGE}.
 */
final class FailureReport {

  private static final Logger log = LoggerFactory.getLogger(FailureReport.class);

  private FailureReport() {}

  static int report(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    PrintWriter err = cmd.getErr();
    if (cause instanceof UsageError || cause instanceof UnknownModelException) {
      err.println("error: " + cause.getMessage());
      return Main.USAGE;
    }
    Throwable expected = Failures.expected(e);
    if (expected != null) {
      err.println("error: " + Failures.message(expected));
      return Main.FAILED;
    }
    log.error("internal error command=\"{}\" exception={}", cmd.getCommandSpec().qualifiedName(), cause.getClass().getName(),
        cause);
    err.println("internal error: " + cause);
    err.println("This is a bug in Shoal, not a mistake in what you gave it. Please report it with the command you ran"
        + " and the stack trace logged above.");
    err.flush();
    return Main.FAILED;
  }

  /** Failures with a message the user can act on: theirs to fix, or the machine's or network's. */
  static boolean isUsers(Throwable t) {
    return t instanceof UserError
        || t instanceof IOException
        || t instanceof UnknownModelException
        || t instanceof IncompatibleParametersException
        || t instanceof IncompatibleDataException
        || t instanceof dev.shoal.djl.UnapprovedModelException
        || t instanceof SchemaMismatchException
        || t instanceof PkiException
        || t instanceof AnchorException;
  }
}
