package dev.shoal.node;

import dev.shoal.tensor.ContentId;
import dev.shoal.train.FitConfig;

/**
 * Work the coordinator hands a node: train ({@code fit}) or evaluate the global model {@code
 * baseModel} of {@code round}, or stop because the run is over. {@code config} is null except
 * for {@code fit}.
 */
public record Assignment(Kind kind, int round, ContentId baseModel, FitConfig config) {

  public enum Kind { FIT, EVALUATE, STOP }

  /** The coordinator's run is over; the node stops. */
  public static Assignment stop() {
    return new Assignment(Kind.STOP, 0, null, null);
  }
}
