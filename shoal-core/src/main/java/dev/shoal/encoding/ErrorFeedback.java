package dev.shoal.encoding;

import java.util.HashMap;
import java.util.Map;

/**
 * What a client's top-k encoding did not send, per tensor: added to its next change before the
 * next selection, so that every coordinate's change arrives eventually (error feedback, Stich et
 * al. 2018). It lives on the client, one per client, across rounds; it is O(model).
 */
public final class ErrorFeedback {

  private final Map<String, float[]> residual = new HashMap<>();

  /** The residual of tensor {@code name}, zeros the first time. */
  synchronized float[] residual(String name, int size) {
    float[] r = residual.get(name);
    if (r == null || r.length != size) {
      r = new float[size];
      residual.put(name, r);
    }
    return r;
  }

  /** The L2 norm of everything not yet sent. */
  public synchronized double norm() {
    double s = 0;
    for (float[] r : residual.values()) {
      for (float v : r) {
        s += (double) v * v;
      }
    }
    return Math.sqrt(s);
  }
}
