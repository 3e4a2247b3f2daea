package dev.shoal.app;

import java.util.Objects;

/** Anchoring during a run: where to ({@code chain}), every {@code every} rounds and after the last. */
record AnchorSchedule(AnchorSettings chain, int every) {

  AnchorSchedule {
    Objects.requireNonNull(chain, "chain");
    if (every < 1) {
      throw new UserError("anchor-every must be 1 or more (rounds between anchors), got " + every);
    }
  }
}
