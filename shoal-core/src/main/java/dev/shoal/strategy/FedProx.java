package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import dev.shoal.train.Setting;
import java.util.List;
import java.util.SplittableRandom;

/**
 * FedProx (Li et al., "Federated Optimization in Heterogeneous Networks", MLSys 2020): FedAvg's
 * sampling and example-weighted mean, with each client minimising its loss plus the proximal term
 * (μ/2)·‖w − w_global‖². The server sends μ as the required setting {@value #PROXIMAL_MU}; the
 * trainer adds the term's gradient μ·(w − w_global) to each step's gradient. A node whose trainer
 * does not act on the setting refuses the round. With μ = 0 it is FedAvg.
 */
public final class FedProx implements Strategy {

  /** The open setting that carries μ to the nodes. */
  public static final String PROXIMAL_MU = "proximal-mu";

  /** μ when the run does not set {@code proximal-mu}. */
  public static final double DEFAULT_MU = 0.01;

  private final FedAvg averaging;
  private final double mu;

  FedProx(StrategyContext c, double mu) {
    FitConfig fit = c.fit().withSettings(c.fit().settings().with(PROXIMAL_MU, new Setting.Number(mu, true)));
    this.averaging = new FedAvg(fit, c.fraction(), c.minClients(), c.fractionEvaluate());
    this.mu = mu;
  }

  /** The proximal term's weight μ. */
  public double mu() {
    return mu;
  }

  @Override
  public String name() {
    return "fedprox";
  }

  @Override
  public List<FitInstruction> configureFit(int round, ParameterSet global, List<String> available, SplittableRandom rng) {
    return averaging.configureFit(round, global, available, rng);
  }

  @Override
  public boolean foldsSums() {
    return true;
  }

  @Override
  public boolean foldsWeightedMean() {
    return true;
  }

  @Override
  public FitAggregation beginFit(int round, ParameterSet global) {
    return averaging.beginFit(round, global);
  }

  @Override
  public List<String> configureEvaluate(int round, List<String> available, SplittableRandom rng) {
    return averaging.configureEvaluate(round, available, rng);
  }

  /** Registers {@code fedprox} with the parameter {@code proximal-mu}. */
  public static final class Factory implements StrategyFactory {
    @Override
    public String name() {
      return "fedprox";
    }

    @Override
    public String summary() {
      return "FedProx: FedAvg with the proximal term (mu/2)·|w - w_global|² in each client's objective (Li et al. 2020)";
    }

    @Override
    public Strategy create(StrategyContext context, StrategyParameters parameters) {
      double mu = parameters.number(PROXIMAL_MU, DEFAULT_MU);
      if (!(mu >= 0) || Double.isInfinite(mu)) {
        throw parameters.refuse("parameter proximal-mu must be a number >= 0, got proximal-mu=" + mu);
      }
      return new FedProx(context, mu);
    }
  }
}
