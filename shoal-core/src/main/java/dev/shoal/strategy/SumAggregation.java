package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.TensorSource;
import java.util.List;

/**
 * A round's aggregate for a strategy whose next model is its server step applied to the
 * example-weighted sum of the updates: the replies are folded into one vector in {@link
 * UpdateVector}'s layout, Σ wᵢ·(xᵢ − global) then Σ wᵢ, or that vector arrives whole as a secure sum.
 * Either way {@link #result()} hands the same vector to the step, so a round gives the same model
 * with and without secure aggregation (up to its quantisation). Memory: one model-sized vector.
 */
final class SumAggregation implements FitAggregation {

  private final int round;
  private final ParameterSet global;
  private final ServerStep step;
  private float[] sum;
  private int count;
  private ParameterSet result;

  SumAggregation(int round, ParameterSet global, ServerStep step) {
    this.round = round;
    this.global = global;
    this.step = step;
    this.sum = new float[UpdateVector.length(global)];
  }

  @Override
  public void add(FitReply reply) {
    requireOpen();
    TensorSource x = reply.parameters();
    double w = reply.numExamples();
    int k = 0;
    for (String name : global.names()) {
      float[] xs = x.read(name).data();
      float[] g = global.read(name).data();
      for (int i = 0; i < g.length; i++) {
        sum[k++] += (float) (w * ((double) xs[i] - g[i]));
      }
    }
    sum[k] += (float) w;
    count++;
  }

  @Override
  public void addSum(float[] secureSum, List<String> contributors) {
    requireOpen();
    if (secureSum.length != sum.length) {
      throw new IllegalArgumentException("a secure sum of " + secureSum.length + " values does not fit a model of "
          + global.parameterCount() + " parameters");
    }
    for (int k = 0; k < sum.length; k++) {
      sum[k] += secureSum[k];
    }
    count += contributors.size();
  }

  @Override
  public int count() {
    return count;
  }

  @Override
  public ParameterSet result() {
    if (result == null) {
      requireOpen();
      result = UpdateVector.applyMean(global, sum, Metadata.forRound(global.metadata(), round), step);
      sum = null;
    }
    return result;
  }

  private void requireOpen() {
    if (sum == null) {
      throw new IllegalStateException("round " + round + " was already aggregated");
    }
  }
}
