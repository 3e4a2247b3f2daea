package dev.shoal.round;

import java.util.List;

/** Receives {@link RunEvent}s. Listeners observe; they never change the flow. */
@FunctionalInterface
public interface RunListener {

  void on(RunEvent event);

  static RunListener all(List<RunListener> listeners) {
    return event -> listeners.forEach(l -> l.on(event));
  }
}
