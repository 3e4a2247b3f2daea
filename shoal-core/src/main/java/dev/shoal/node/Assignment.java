package dev.shoal.node;

import dev.shoal.strategy.Outbound;
import dev.shoal.tensor.ContentId;
import dev.shoal.train.FitConfig;
import java.time.Instant;
import java.util.Objects;

/**
 * Work the coordinator hands a node: train ({@code fit}) or evaluate the global model {@code
 * baseModel} of {@code round}, answer one stage of secure aggregation for {@code round}, or stop
 * because the run is over. {@code config} is null except for {@code fit}; {@code outbound} says
 * what a fit does with its update before it leaves ({@link Outbound#PLAIN} for other kinds);
 * {@code stage} and {@code request} (the protocol's encoded message) are null except for {@code
 * secagg}. {@code deadline} is when the coordinator stops waiting for the answer, or null if it
 * did not say; a node that is put off keeps trying to deliver until then.
 */
public record Assignment(Kind kind, int round, ContentId baseModel, FitConfig config, Outbound outbound, String stage,
    byte[] request, Instant deadline) {

  public enum Kind { FIT, EVALUATE, SECAGG, STOP }

  public Assignment {
    Objects.requireNonNull(kind, "kind");
    outbound = outbound == null ? Outbound.PLAIN : outbound;
    if (kind == Kind.SECAGG && (stage == null || stage.isBlank() || request == null)) {
      throw new IllegalArgumentException("a secure-aggregation assignment needs a stage and a request");
    }
  }

  /** A fit, evaluation or stop whose update, if any, is sent as it is. */
  public Assignment(Kind kind, int round, ContentId baseModel, FitConfig config) {
    this(kind, round, baseModel, config, Outbound.PLAIN, null, null, null);
  }

  /** This assignment, to be answered by {@code at} (null: no deadline given). */
  public Assignment withDeadline(Instant at) {
    return new Assignment(kind, round, baseModel, config, outbound, stage, request, at);
  }

  /** Train from {@code baseModel} and treat the update as {@code outbound} says. */
  public static Assignment fit(int round, ContentId baseModel, FitConfig config, Outbound outbound) {
    return new Assignment(Kind.FIT, round, baseModel, config, outbound, null, null, null);
  }

  /** Answer the secure-aggregation stage {@code stage} of {@code round}. */
  public static Assignment secagg(int round, String stage, byte[] request) {
    return new Assignment(Kind.SECAGG, round, null, null, Outbound.PLAIN, stage, request, null);
  }

  /** The coordinator's run is over; the node stops. */
  public static Assignment stop() {
    return new Assignment(Kind.STOP, 0, null, null);
  }
}
