package dev.shoal.node;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node keeps finished work when the coordinator puts it off: a call that fails with a
 * {@link TryLaterException} (busy, or unavailable for a moment) is tried again until it goes
 * through or the work's deadline would pass. The wait is the coordinator's retry-after, stretched
 * by up to half again at random, or else exponential backoff with full jitter, so the nodes it
 * turned away do not come back all at once. It says so once per call ("coordinator busy,
 * retrying"), not once per attempt. Any other failure is not retried here.
 */
public final class Patience {

  private static final Logger log = LoggerFactory.getLogger(Patience.class);

  /** How long to keep trying work that came without a deadline. */
  public static final Duration WITHOUT_DEADLINE = Duration.ofMinutes(10);

  /** A call to the coordinator. */
  public interface Call<T> {
    T run() throws IOException;
  }

  /** Waits; replaced in tests. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final String node;
  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;
  private final Clock clock;
  private final Sleeper sleeper;
  private java.util.function.BooleanSupplier active = () -> true;

  /** Backs off from {@code initial} up to {@code max} when the coordinator gives no retry-after. */
  public Patience(String node, Duration initial, Duration max, RandomGenerator random) {
    this(node, initial, max, random, Clock.systemUTC(), Thread::sleep);
  }

  Patience(String node, Duration initial, Duration max, RandomGenerator random, Clock clock, Sleeper sleeper) {
    this.node = node;
    this.initial = initial;
    this.max = max;
    this.random = random;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Retries only while {@code active} says so (e.g. until the node is stopped). */
  public Patience whileTrue(java.util.function.BooleanSupplier active) {
    this.active = active;
    return this;
  }

  /**
   * Runs {@code call}, again after each {@link TryLaterException}, until it succeeds or the next
   * attempt would start after {@code deadline} (null: {@link #WITHOUT_DEADLINE} from now); then the
   * last such exception is thrown. {@code what} names the call in the log ("update round=3").
   */
  public <T> T call(String what, Instant deadline, Call<T> call) throws IOException {
    Instant until = deadline != null ? deadline : clock.instant().plus(WITHOUT_DEADLINE);
    Backoff backoff = new Backoff(initial, max, random);
    int putOff = 0;
    while (true) {
      try {
        T result = call.run();
        if (putOff > 0) {
          log.info("coordinator took the call node={} call=\"{}\" attempts={}", node, what, putOff + 1);
        }
        return result;
      } catch (TryLaterException e) {
        Duration wait = e.retryAfter().map(this::stretch).orElseGet(backoff::next);
        if (clock.instant().plus(wait).isAfter(until) || !active.getAsBoolean()) {
          log.warn("gave up before the deadline node={} call=\"{}\" attempts={} reason=\"{}\"", node, what,
              putOff + 1, e.getMessage());
          throw e;
        }
        if (putOff++ == 0) {
          switch (e.why()) {
            case BUSY -> log.info("coordinator busy, retrying node={} call=\"{}\" retry_in_ms={} reason=\"{}\"",
                node, what, wait.toMillis(), e.getMessage());
            case NO_ANSWER -> log.warn("coordinator did not answer in time, keeping the work and retrying node={}"
                + " call=\"{}\" retry_in_ms={} reason=\"{}\"", node, what, wait.toMillis(), e.getMessage());
            case UNAVAILABLE -> log.warn("coordinator unavailable, keeping the work and retrying node={} call=\"{}\""
                + " retry_in_ms={} reason=\"{}\"", node, what, wait.toMillis(), e.getMessage());
          }
        }
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while waiting to retry " + what);
        }
      }
    }
  }

  /** The coordinator's retry-after, made 0 to 50 % longer so the nodes it turned away spread out. */
  private Duration stretch(Duration retryAfter) {
    long ms = Math.max(1, retryAfter.toMillis());
    return Duration.ofMillis(ms + random.nextLong(ms / 2 + 1));
  }
}
