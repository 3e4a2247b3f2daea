package dev.shoal.store;

import java.time.Instant;
import java.util.List;

/** A snapshot of everything in the store, for {@code shoal status}. */
public record StoreStatus(Instant at, List<RunProgress> runs, List<Node> nodes) {

  public StoreStatus {
    runs = List.copyOf(runs);
    nodes = List.copyOf(nodes);
  }
}
