package dev.shoal.node;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The coordinator could not take a call now but can later: it is busy (too many uploads at once,
 * too many calls), unavailable (restarting, or the connection
 * dropped) or slow to answer (the call's deadline passed). Unlike any other failure this keeps the node's finished work: {@link Patience}
 * tries the call again, after {@link #retryAfter} when the coordinator said when to come back.
 */
public class TryLaterException extends IOException {

  /** Why the call was put off. */
  public enum Why {
    /** The coordinator is up and refused the call for load; it is not unreachable. */
    BUSY,
    /** The coordinator could not be reached, or is restarting. */
    UNAVAILABLE,
    /**
     * The coordinator did not answer before the call's deadline: slow under load, or cut off. The
     * call may have arrived, so a result sent again may be counted as a duplicate, never twice.
     */
    NO_ANSWER
  }

  private final Why why;
  private final Duration retryAfter;

  /**
   * @param retryAfter when the coordinator asked to be called again, or null if it did not say
   */
  public TryLaterException(Why why, String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.why = why;
    this.retryAfter = retryAfter;
  }

  public Why why() {
    return why;
  }

  /** How long the coordinator asked the node to wait before calling again, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
