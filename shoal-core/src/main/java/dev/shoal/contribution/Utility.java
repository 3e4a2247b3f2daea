package dev.shoal.contribution;

import dev.shoal.train.CentralEvaluator;
import dev.shoal.strategy.FitReply;
import dev.shoal.tensor.ParameterSet;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The utility v(S) of a round's n participants, cached by coalition: each distinct coalition is
 * evaluated once, and {@link #evaluations()} counts those evaluations, which is the cost of a
 * contribution method (evaluations × the time of one evaluation). One utility serves one round;
 * it is not safe for use from several threads at once.
 */
public final class Utility {

  private final int size;
  private final CoalitionValue value;
  private final Map<BitSet, Double> cache = new HashMap<>();

  /**
   * @param size the number of participants n (at least 1)
   * @param value computes v(S); called at most once per coalition
   */
  public Utility(int size, CoalitionValue value) {
    if (size < 1) {
      throw new IllegalArgumentException("participants must be >= 1, got " + size);
    }
    this.size = size;
    this.value = value;
  }

  /**
   * The utility FedAvg implies: v(S) = {@code scorer} applied to the example-weighted mean of the
   * models of the participants in S, and v(∅) = {@code scorer} applied to {@code global}.
   *
   * @see FedAvgCoalitions
   */
  public static Utility ofAggregates(ParameterSet global, List<FitReply> replies, ToDoubleFunction<ParameterSet> scorer) {
    return new Utility(replies.size(), new FedAvgCoalitions(global, replies, scorer));
  }

  /** {@link #ofAggregates(ParameterSet, List, ToDoubleFunction)} scored by {@code measure} of the coordinator's evaluation. */
  public static Utility ofAggregates(
      ParameterSet global, List<FitReply> replies, CentralEvaluator evaluator, UtilityMeasure measure) {
    return ofAggregates(global, replies, measure.scorer(evaluator));
  }

  public int size() {
    return size;
  }

  /** v(S); evaluates it on first use. */
  public double value(BitSet members) {
    if (members.length() > size) {
      throw new IllegalArgumentException(
          "coalition " + members + " names participant " + (members.length() - 1) + ", allowed 0.." + (size - 1));
    }
    Double cached = cache.get(members);
    if (cached != null) {
      return cached;
    }
    BitSet key = (BitSet) members.clone();
    double v = value.value(key);
    if (!Double.isFinite(v)) {
      throw new IllegalStateException("utility of coalition " + key + " is " + v + ", it must be finite");
    }
    cache.put(key, v);
    return v;
  }

  /** v(N), the value of everyone. */
  public double ofAll() {
    BitSet all = new BitSet(size);
    all.set(0, size);
    return value(all);
  }

  /** v(∅), the value of the round's starting point. */
  public double ofNone() {
    return value(new BitSet(size));
  }

  /** v(N \ {i}). */
  public double without(int participant) {
    BitSet rest = new BitSet(size);
    rest.set(0, size);
    rest.clear(participant);
    return value(rest);
  }

  /** How many distinct coalitions have been evaluated so far. */
  public int evaluations() {
    return cache.size();
  }
}
