package dev.shoal.strategy;

/**
 * FedAvg with server momentum (Hsu, Qi and Brown 2019): the round's mean update Δ goes through
 * u ← β·u + Δ, x ← x + η·u ({@link MomentumStep}). Folds sums, so it works under secure
 * aggregation and differential privacy.
 */
public final class FedAvgM extends ServerOptimizedStrategy {

  public static final double DEFAULT_SERVER_LR = 1.0;
  public static final double DEFAULT_MOMENTUM = 0.9;

  FedAvgM(StrategyContext context, double serverLr, double momentum) {
    super(context, new MomentumStep(serverLr, momentum));
  }

  @Override
  public String name() {
    return "fedavgm";
  }

  /** Registers {@code fedavgm} with parameters {@code server-lr} and {@code momentum}. */
  public static final class Factory implements StrategyFactory {
    @Override
    public String name() {
      return "fedavgm";
    }

    @Override
    public String summary() {
      return "FedAvg with server momentum on the mean update (Hsu et al. 2019); works under secure aggregation";
    }

    @Override
    public Strategy create(StrategyContext context, StrategyParameters parameters) {
      double lr = positive(parameters, "server-lr", DEFAULT_SERVER_LR);
      double momentum = between(parameters, "momentum", DEFAULT_MOMENTUM, 0, 1, false);
      return new FedAvgM(context, lr, momentum);
    }
  }
}
