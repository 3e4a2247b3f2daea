package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import java.util.Map;
import java.util.Optional;

/**
 * Coordinate-wise trimmed mean (Yin, Chen, Ramchandran and Bartlett, ICML 2018): for each
 * parameter, the ⌊β·n⌋ smallest and ⌊β·n⌋ largest of the n returned values are dropped and the
 * rest averaged, unweighted. Needs 0 ≤ β < 0.5 so that at least one value remains; with at most
 * ⌊β·n⌋ arbitrary updates every coordinate stays within the honest updates' range.
 */
public final class FedTrimmedAvg extends RobustStrategy {

  /** Flower's default. */
  public static final double DEFAULT_BETA = 0.2;

  private final double beta;

  FedTrimmedAvg(StrategyContext context, StrategyParameters parameters, double beta) {
    super(context, parameters);
    this.beta = beta;
  }

  @Override
  public String name() {
    return "fedtrimmedavg";
  }

  /** How many values are dropped at each end of n. */
  int trimmed(int n) {
    return (int) Math.floor(beta * n);
  }

  @Override
  protected Optional<String> violated(int n) {
    return Optional.empty();
  }

  @Override
  protected ParameterSet aggregate(HeldUpdates updates, int setAside, ParameterSet global,
      Map<String, String> metadata) {
    int k = trimmed(updates.size());
    return ((CoordinateRule) sorted -> CoordinateRule.trimmedMean(sorted, k)).applyTo(updates, global, metadata);
  }

  /** Registers {@code fedtrimmedavg} with parameter {@code beta}. */
  public static final class Factory implements StrategyFactory {
    @Override
    public String name() {
      return "fedtrimmedavg";
    }

    @Override
    public String summary() {
      return "coordinate-wise mean without the beta fraction at each end (Yin et al. 2018); robust, not under secure aggregation";
    }

    @Override
    public Strategy create(StrategyContext context, StrategyParameters parameters) {
      double beta = parameters.number("beta", DEFAULT_BETA);
      if (!(beta >= 0 && beta < 0.5)) {
        throw parameters.refuse("the trimmed mean needs 0 <= beta < 0.5, got beta=" + beta);
      }
      return new FedTrimmedAvg(context, parameters, beta);
    }
  }
}
