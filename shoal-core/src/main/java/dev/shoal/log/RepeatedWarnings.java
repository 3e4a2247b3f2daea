package dev.shoal.log;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Warnings that repeat under load, rate-limited: the first warning with a given key in a window
 * is logged as it is, the rest of that window are only counted, and when the window closes one
 * line says how many there were ({@code … and 97 more like this in the last 10 s}). The key is
 * what makes two warnings "alike" (an event and its reason, not the caller that differs each
 * time). Thread-safe; the summary is written by a shared daemon timer when the window closes.
 */
public final class RepeatedWarnings {

  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("repeated-warnings").daemon().factory());

  private final Logger sink;
  private final Duration window;
  private final LongSupplier nanoTime;
  private final Map<String, Window> open = new HashMap<>();

  /** Windows of {@code window} on the system's monotonic clock. */
  public RepeatedWarnings(Logger log, Duration window) {
    this(log, window, System::nanoTime);
  }

  RepeatedWarnings(Logger log, Duration window, LongSupplier nanoTime) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the window must be positive, got " + window);
    }
    this.sink = log;
    this.window = window;
    this.nanoTime = nanoTime;
  }

  /** A window: when it opened, the line that opened it, and how many alike lines were held back. */
  private static final class Window {
    final long opened;
    final String first;
    int suppressed;

    Window(long opened, String first) {
      this.opened = opened;
      this.first = first;
    }
  }

  /**
   * Logs {@code format} with {@code args} (SLF4J's {@code {}} placeholders) at warn level, unless
   * a warning with this {@code key} was logged less than a window ago; then it is counted.
   */
  public void warn(String key, String format, Object... args) {
    String summary;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      Window w = open.get(key);
      if (w != null && now - w.opened < window.toNanos()) {
        if (w.suppressed++ == 0) {
          long left = window.toNanos() - (now - w.opened);
          TIMER.schedule(() -> close(key, w), left, TimeUnit.NANOSECONDS);
        }
        return;
      }
      summary = w == null ? null : summary(open.remove(key));
      open.put(key, new Window(now, MessageFormatter.arrayFormat(format, args).getMessage()));
    }
    if (summary != null) {
      sink.warn(summary);
    }
    sink.warn(format, args);
  }

  /** Writes any summary still held back now, closing every window (e.g. when a service stops). */
  public void flush() {
    Map<String, Window> closing;
    synchronized (this) {
      closing = Map.copyOf(open);
      open.clear();
    }
    closing.values().forEach(w -> {
      String s = summary(w);
      if (s != null) {
        sink.warn(s);
      }
    });
  }

  /** Closes {@code w} if it is still the open window of {@code key}, writing its summary. */
  void close(String key, Window w) {
    String s;
    synchronized (this) {
      if (!open.remove(key, w)) {
        return;
      }
      s = summary(w);
    }
    if (s != null) {
      sink.warn(s);
    }
  }

  /** Closes every window that is over by now, as the timer would. For tests with a manual clock. */
  void closeExpired() {
    Map<String, Window> copy;
    synchronized (this) {
      copy = Map.copyOf(open);
    }
    long now = nanoTime.getAsLong();
    copy.forEach((key, w) -> {
      if (now - w.opened >= window.toNanos()) {
        close(key, w);
      }
    });
  }

  private String summary(Window w) {
    if (w == null || w.suppressed == 0) {
      return null;
    }
    return "%s … and %d more like this in the last %s".formatted(w.first, w.suppressed, seconds(window));
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
