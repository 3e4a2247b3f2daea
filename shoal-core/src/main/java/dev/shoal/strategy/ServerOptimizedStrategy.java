package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * FedAvg's sampling and example-weighted sum, with the mean update taken by a {@link
 * ServerOptimizer} instead of being added as it is. The aggregate is a function of the sum of the
 * updates, so it works under secure aggregation and differential privacy, which hand their sum
 * to the same optimiser.
 */
public abstract class ServerOptimizedStrategy implements Strategy {

  /** Defaults of FedAdam, FedYogi and FedAdagrad: the server learning rate η. */
  public static final double DEFAULT_ETA = 1e-2;
  /** The first moment's decay β1. */
  public static final double DEFAULT_BETA1 = 0.9;
  /** The second moment's decay β2 (not FedAdagrad). */
  public static final double DEFAULT_BETA2 = 0.99;
  /** The adaptivity τ. */
  public static final double DEFAULT_TAU = 1e-3;

  private final FedAvg sampling;
  private final ServerOptimizer optimizer;

  protected ServerOptimizedStrategy(StrategyContext context, ServerOptimizer optimizer) {
    this.sampling = new FedAvg(context.fit(), context.fraction(), context.minClients(), context.fractionEvaluate());
    this.optimizer = optimizer;
  }

  @Override
  public final List<FitInstruction> configureFit(int round, ParameterSet global, List<String> available,
      SplittableRandom rng) {
    return sampling.configureFit(round, global, available, rng);
  }

  @Override
  public final List<String> configureEvaluate(int round, List<String> available, SplittableRandom rng) {
    return sampling.configureEvaluate(round, available, rng);
  }

  @Override
  public final boolean foldsSums() {
    return true;
  }

  /** The optimiser steps once on the round's mean update, wherever that mean was partly folded. */
  @Override
  public final boolean foldsWeightedMean() {
    return true;
  }

  @Override
  public final ServerStep serverStep() {
    return optimizer;
  }

  @Override
  public final Optional<ParameterSet> serverState() {
    return optimizer.state();
  }

  @Override
  public final void restoreServerState(ParameterSet state) {
    optimizer.restore(state);
  }

  @Override
  public final FitAggregation beginFit(int round, ParameterSet global) {
    return new SumAggregation(round, global, optimizer);
  }

  /** Reads a parameter that must lie in [lo, hi) or [lo, hi] as {@code closed} says. */
  static double between(StrategyParameters p, String key, double fallback, double lo, double hi, boolean closed) {
    double v = p.number(key, fallback);
    if (!(v >= lo && (closed ? v <= hi : v < hi))) {
      throw p.refuse("parameter %s must be in [%s, %s%s, got %s=%s".formatted(key, lo, hi, closed ? "]" : ")", key, v));
    }
    return v;
  }

  /** Reads a parameter that must be above zero. */
  static double positive(StrategyParameters p, String key, double fallback) {
    double v = p.number(key, fallback);
    if (!(v > 0)) {
      throw p.refuse("parameter %s must be > 0, got %s=%s".formatted(key, key, v));
    }
    return v;
  }
}
