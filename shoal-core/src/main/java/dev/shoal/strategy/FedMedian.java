package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import java.util.Map;
import java.util.Optional;

/**
 * Coordinate-wise median (Yin, Chen, Ramchandran and Bartlett, "Byzantine-Robust Distributed
 * Learning: Towards Optimal Statistical Rates", ICML 2018): each parameter of the next global model
 * is the median of that parameter over the returned models, the mean of the two middle values for
 * an even count. Unweighted: example counts are claims and do not count. While fewer than half the
 * updates are arbitrary, every coordinate stays within the honest updates' range.
 */
public final class FedMedian extends RobustStrategy {

  FedMedian(StrategyContext context, StrategyParameters parameters) {
    super(context, parameters);
  }

  @Override
  public String name() {
    return "fedmedian";
  }

  @Override
  protected Optional<String> violated(int n) {
    return Optional.empty();
  }

  @Override
  protected ParameterSet aggregate(HeldUpdates updates, int setAside, ParameterSet global,
      Map<String, String> metadata) {
    return ((CoordinateRule) CoordinateRule::median).applyTo(updates, global, metadata);
  }

  /** Registers {@code fedmedian}; it takes no parameters. */
  public static final class Factory implements StrategyFactory {
    @Override
    public String name() {
      return "fedmedian";
    }

    @Override
    public String summary() {
      return "coordinate-wise median of the returned models (Yin et al. 2018); robust, not under secure aggregation";
    }

    @Override
    public Strategy create(StrategyContext context, StrategyParameters parameters) {
      return new FedMedian(context, parameters);
    }
  }
}
