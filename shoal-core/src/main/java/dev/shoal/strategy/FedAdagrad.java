package dev.shoal.strategy;

/**
 * FedAdagrad (Reddi et al., "Adaptive Federated Optimization", ICLR 2021): the round's mean update
 * goes through the server optimiser of {@link AdaptiveStep} with the adagrad second moment. Folds
 * sums, so it works under secure aggregation and differential privacy.
 */
public final class FedAdagrad extends ServerOptimizedStrategy {

  FedAdagrad(StrategyContext context, double eta, double beta1, double beta2, double tau) {
    super(context, new AdaptiveStep(AdaptiveStep.Kind.ADAGRAD, eta, beta1, beta2, tau));
  }

  @Override
  public String name() {
    return "fedadagrad";
  }

  /** Registers {@code fedadagrad} with parameters {@code eta}, {@code beta1} and {@code tau}. */
  public static final class Factory implements StrategyFactory {
    @Override
    public String name() {
      return "fedadagrad";
    }

    @Override
    public String summary() {
      return "FedAvg with a server-side Adagrad step on the mean update (Reddi et al. 2021); works under secure aggregation";
    }

    @Override
    public Strategy create(StrategyContext context, StrategyParameters parameters) {
      double eta = positive(parameters, "eta", DEFAULT_ETA);
      double beta1 = between(parameters, "beta1", DEFAULT_BETA1, 0, 1, false);
      double beta2 = 0; // FedAdagrad accumulates every squared update
      double tau = positive(parameters, "tau", DEFAULT_TAU);
      return new FedAdagrad(context, eta, beta1, beta2, tau);
    }
  }
}
