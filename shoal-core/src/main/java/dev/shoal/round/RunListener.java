package dev.shoal.round;

import java.util.List;
import org.slf4j.LoggerFactory;

/** Receives {@link RunEvent}s. Listeners observe; they never change the flow. */
@FunctionalInterface
public interface RunListener {

  void on(RunEvent event);

  /**
   * One listener that tells all of {@code listeners}, in order. A listener that throws is logged
   * and skipped for that event: a broken reporter never stops a run.
   */
  static RunListener all(List<RunListener> listeners) {
    return event -> {
      for (RunListener l : listeners) {
        try {
          l.on(event);
        } catch (RuntimeException e) {
          LoggerFactory.getLogger(RunListener.class).warn(
              "reporter failed listener={} event={} reason=\"{}\"",
              l.getClass().getSimpleName(), event.getClass().getSimpleName(), e.getMessage());
        }
      }
    };
  }
}
