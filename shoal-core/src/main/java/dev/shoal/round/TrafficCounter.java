package dev.shoal.round;

import java.util.concurrent.atomic.AtomicLong;

/** The bytes the transport moved to nodes and from them, counted as they go; thread-safe. */
final class TrafficCounter {

  private final AtomicLong down = new AtomicLong();
  private final AtomicLong up = new AtomicLong();

  /** Adds bytes sent to nodes ({@code bytesDown}) and received from them ({@code bytesUp}). */
  void record(long bytesDown, long bytesUp) {
    down.addAndGet(bytesDown);
    up.addAndGet(bytesUp);
  }

  /** The bytes counted so far. */
  Traffic total() {
    return new Traffic(down.get(), up.get());
  }
}
