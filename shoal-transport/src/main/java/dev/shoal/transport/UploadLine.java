package dev.shoal.transport;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The nodes an upload bound turned away, in the order they were first turned away, and how long
 * an upload takes: enough to tell each one about when its turn comes. A node keeps its place when
 * it is turned away again, leaves the line when it is admitted, and is forgotten when it has not
 * come back for a minute (it gave up, or its round ended).
 */
final class UploadLine {

  private static final long FORGET_NANOS = Duration.ofMinutes(1).toNanos();
  private static final Duration FIRST_GUESS = Duration.ofSeconds(1);
  private static final Duration LONGEST = Duration.ofSeconds(30);

  /** Caller to when it was last turned away, in the order it joined the line. */
  private final Map<String, Long> waiting = new LinkedHashMap<>();
  private double meanNanos = -1;

  /** Records a refusal of {@code caller}; returns when it should try again, given {@code slots} uploads at once. */
  synchronized Duration turnedAway(String caller, int slots) {
    long now = System.nanoTime();
    waiting.values().removeIf(last -> now - last > FORGET_NANOS);
    int place = 0;
    for (String c : waiting.keySet()) {
      if (c.equals(caller)) {
        break;
      }
      place++;
    }
    waiting.put(caller, now);
    double nanos = meanNanos() * (place + 1) / Math.max(1, slots);
    return clamp(Duration.ofNanos((long) nanos));
  }

  synchronized void admitted(String caller) {
    waiting.remove(caller);
  }

  /** An admitted upload ended after {@code nanos}. */
  synchronized void finished(long nanos) {
    meanNanos = meanNanos < 0 ? nanos : 0.9 * meanNanos + 0.1 * nanos;
  }

  /** The mean upload time so far (a moving average), or a first guess before any ended. */
  synchronized Duration meanUpload() {
    return clamp(Duration.ofNanos((long) meanNanos()));
  }

  synchronized int waiting() {
    return waiting.size();
  }

  private double meanNanos() {
    return meanNanos < 0 ? FIRST_GUESS.toNanos() : meanNanos;
  }

  private static Duration clamp(Duration d) {
    return d.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : d.compareTo(LONGEST) > 0 ? LONGEST : d;
  }
}
