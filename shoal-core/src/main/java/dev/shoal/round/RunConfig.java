package dev.shoal.round;

import java.time.Duration;

/**
 * How a run proceeds.
 *
 * @param rounds number of rounds
 * @param minClients a round counts only if at least this many updates were aggregated
 * @param roundTimeout how long a round waits for its clients before going on without them
 * @param seed makes client sampling and local training repeatable
 */
public record RunConfig(int rounds, int minClients, Duration roundTimeout, long seed) {

  public RunConfig {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    }
    if (minClients < 1) {
      throw new IllegalArgumentException("min-clients must be >= 1, got " + minClients);
    }
    if (roundTimeout.isNegative() || roundTimeout.isZero()) {
      throw new IllegalArgumentException("round timeout must be positive, got " + roundTimeout);
    }
  }
}
