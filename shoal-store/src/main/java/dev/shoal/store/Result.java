package dev.shoal.store;

import dev.shoal.tensor.ContentId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A node's update for one round: the update itself is a blob, this is its bookkeeping.
 *
 * @param updateId the blob holding the update
 * @param metrics the node's training metrics; NaN when not measured
 * @param received when the coordinator received it, as read back from the store (on write, the
 *     time of the {@link Bookkeeping.Received} entry is stored instead)
 */
public record Result(
    long runId,
    int round,
    String node,
    ContentId updateId,
    long numExamples,
    Map<String, Double> metrics,
    Instant received) {

  public Result {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(updateId, "updateId");
    metrics = Map.copyOf(metrics);
    if (numExamples < 1) {
      throw new IllegalArgumentException("result of node '" + node + "' for round " + round
          + " must have at least one example, got " + numExamples);
    }
  }

  /** A result to record in a {@link Bookkeeping.Received} entry. */
  public static Result of(
      long runId, int round, String node, ContentId updateId, long numExamples, Map<String, Double> metrics) {
    return new Result(runId, round, node, updateId, numExamples, metrics, Instant.EPOCH);
  }
}
