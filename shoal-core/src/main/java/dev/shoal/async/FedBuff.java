package dev.shoal.async;

/**
 * The settings of buffered asynchronous aggregation, FedBuff (Nguyen et al., 2022): {@code
 * concurrency} clients train at all times; each update, as it arrives, is weighted by its
 * staleness s (model steps since the client's copy) as (1 + s)^−{@code stalenessExponent} and added
 * to a buffer; every {@code buffer} updates the model steps by {@code serverLr} × the buffer's mean.
 */
public record FedBuff(int concurrency, int buffer, double stalenessExponent, double serverLr) {

  public FedBuff {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
    }
    if (buffer < 1) {
      throw new IllegalArgumentException("buffer must be >= 1, got " + buffer);
    }
    if (buffer > concurrency) {
      throw new IllegalArgumentException("buffer " + buffer + " is more than the concurrency " + concurrency
          + ": each model step would wait for more updates than there are clients training; use a buffer <= "
          + concurrency);
    }
    if (!(stalenessExponent >= 0) || Double.isInfinite(stalenessExponent)) {
      throw new IllegalArgumentException("staleness exponent must be a number >= 0, got " + stalenessExponent);
    }
    if (!(serverLr > 0) || Double.isInfinite(serverLr)) {
      throw new IllegalArgumentException("server learning rate must be a positive number, got " + serverLr);
    }
  }

  /** The weight of an update {@code staleness} model steps old: (1 + s)^−a, 1 for a fresh one. */
  public double weight(int staleness) {
    if (staleness < 0) {
      throw new IllegalArgumentException("staleness must be >= 0, got " + staleness);
    }
    return Math.pow(1 + staleness, -stalenessExponent);
  }
}
