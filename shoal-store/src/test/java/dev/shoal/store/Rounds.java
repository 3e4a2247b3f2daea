package dev.shoal.store;

import dev.shoal.round.RoundMetrics;
import dev.shoal.tensor.ContentId;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Test values for rounds. */
final class Rounds {

  private Rounds() {}

  static RoundMetrics metrics(int round, ContentId model) {
    return new RoundMetrics(round, 3, 0, true, 0.5, 0.25, 0.9, 1000, 2000, 1.5, model.value(),
        Map.of("federated_accuracy", 0.8));
  }

  static ContentId model(int round) {
    return ContentId.of(("model " + round).getBytes(StandardCharsets.UTF_8));
  }
}
