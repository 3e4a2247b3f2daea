package dev.shoal.federation;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on a thread that may be interrupted: the loops a coordinator, a relay and a node share. */
public final class Waits {

  private static final Duration STEP = Duration.ofMillis(50);

  private Waits() {}

  /** Sleeps for {@code d}; false, with the thread's interrupt flag set again, when interrupted. */
  public static boolean sleep(Duration d) {
    try {
      Thread.sleep(d);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs {@code action} every {@code interval} until the thread is interrupted. */
  public static void every(Duration interval, Runnable action) {
    while (!Thread.currentThread().isInterrupted()) {
      action.run();
      if (!sleep(interval)) {
        return;
      }
    }
  }

  /**
   * Waits, 50 ms at a time, while {@code condition} holds, for at most {@code atMost}; false when
   * interrupted.
   */
  public static boolean whileTrue(BooleanSupplier condition, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (condition.getAsBoolean() && System.nanoTime() < deadline) {
      if (!sleep(STEP)) {
        return false;
      }
    }
    return true;
  }
}
