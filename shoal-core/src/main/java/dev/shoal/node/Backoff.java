package dev.shoal.node;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a uniformly random
 * time in [0, min(max, initial × 2ⁿ)], so reconnecting nodes do not arrive in lockstep.
 */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;
  private int failures;

  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
    }
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** The wait before the next attempt after one more failure. */
  public Duration next() {
    long cap = initial.toMillis() << Math.min(failures, 30);
    cap = Math.min(cap <= 0 ? Long.MAX_VALUE : cap, max.toMillis());
    failures++;
    return Duration.ofMillis(random.nextLong(cap + 1));
  }

  /** The upper bound the next wait is drawn under. */
  public Duration ceiling() {
    long cap = initial.toMillis() << Math.min(failures, 30);
    return Duration.ofMillis(Math.min(cap <= 0 ? Long.MAX_VALUE : cap, max.toMillis()));
  }

  public void reset() {
    failures = 0;
  }
}
