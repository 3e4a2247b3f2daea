package dev.shoal.contribution;

import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Scaffold;
import dev.shoal.strategy.SubtreeSum;
import dev.shoal.strategy.WeightedSum;
import dev.shoal.tensor.ParameterSet;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * v(S) = score of FedAvg's aggregate of the coalition S: the mean of the members' models weighted by
 * their example counts, folded with the same {@link WeightedSum} and in the same reply order as
 * FedAvg, so v(N) scores exactly the model FedAvg produces. The empty coalition is the global model.
 *
 * <p>Each evaluation builds one model-sized aggregate and reads the members' updates one tensor at a
 * time; nothing is kept between evaluations.
 */
public final class FedAvgCoalitions implements CoalitionValue {

  private final ParameterSet global;
  private final List<FitReply> replies;
  private final ToDoubleFunction<ParameterSet> scorer;

  public FedAvgCoalitions(ParameterSet global, List<FitReply> replies, ToDoubleFunction<ParameterSet> scorer) {
    if (replies.isEmpty()) {
      throw new IllegalArgumentException("replies must name at least one participant, got none");
    }
    Set<String> seen = new HashSet<>();
    for (FitReply r : replies) {
      if (!seen.add(r.clientId())) {
        throw new IllegalArgumentException("replies name client '" + r.clientId() + "' twice; each participant once");
      }
      if (r.parameters() == null) {
        throw new IllegalArgumentException(
            "reply of client '" + r.clientId() + "' has no parameters (secure aggregation?); contribution needs each update");
      }
      if (r.numExamples() <= 0) {
        throw new IllegalArgumentException(
            "reply of client '" + r.clientId() + "' has numExamples=" + r.numExamples() + ", must be > 0");
      }
      global.layoutMismatch(SubtreeSum.modelOf(Scaffold.modelOf(r.parameters()))).ifPresent(m -> {
        throw new IllegalArgumentException("reply of client '" + r.clientId() + "' does not match the global model: " + m);
      });
    }
    this.global = global;
    this.replies = List.copyOf(replies);
    this.scorer = scorer;
  }

  @Override
  public double value(BitSet members) {
    return scorer.applyAsDouble(aggregate(members));
  }

  /** The aggregate of {@code members}, or the global model when there are none. */
  public ParameterSet aggregate(BitSet members) {
    if (members.isEmpty()) {
      return global;
    }
    WeightedSum sum = new WeightedSum(global);
    for (int i = members.nextSetBit(0); i >= 0; i = members.nextSetBit(i + 1)) {
      FitReply r = replies.get(i);
      sum.add(r.parameters(), r.numExamples());
    }
    return sum.mean(global.metadata());
  }
}
