package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bulyan (El Mhamdi, Guerraoui and Rouault, "The Hidden Vulnerability of Distributed Learning in
 * Byzantium", ICML 2018) over Krum: θ = n − 2f updates are selected by applying Krum again and
 * again to those not yet selected, then each coordinate of the next global model is the mean of
 * the θ − 2f selected values closest to their median. Tolerates f Byzantine updates among n
 * when n ≥ 4f + 3.
 */
public final class Bulyan extends RobustStrategy {

  private final int f;

  Bulyan(StrategyContext context, StrategyParameters parameters, int f) {
    super(context, parameters);
    this.f = f;
  }

  @Override
  public String name() {
    return "bulyan";
  }

  @Override
  protected Optional<String> violated(int n) {
    return n >= 4 * f + 3 ? Optional.empty()
        : Optional.of("Bulyan needs n >= 4f + 3, and n=%d, f=%d".formatted(n, f));
  }

  @Override
  protected ParameterSet aggregate(HeldUpdates updates, int setAside, ParameterSet global,
      Map<String, String> metadata) {
    int f = Math.max(0, this.f - setAside);
    int n = updates.size();
    double[][] d = updates.squaredDistances();
    List<Integer> remaining = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      remaining.add(i);
    }
    int theta = n - 2 * f;
    int[] selected = new int[theta];
    for (int s = 0; s < theta; s++) {
      int pick = Krum.best(d, remaining.stream().mapToInt(Integer::intValue).toArray(), f);
      selected[s] = pick;
      remaining.remove(Integer.valueOf(pick));
    }
    java.util.Arrays.sort(selected);
    int beta = theta - 2 * f;
    return ((CoordinateRule) sorted -> CoordinateRule.meanAroundMedian(sorted, beta))
        .applyTo(updates, selected, global, metadata);
  }

  /** Registers {@code bulyan} with parameter {@code f}. */
  public static final class Factory implements StrategyFactory {
    @Override
    public String name() {
      return "bulyan";
    }

    @Override
    public String summary() {
      return "Krum selection then a coordinate-wise mean around the median (El Mhamdi et al. 2018); robust, not under secure aggregation";
    }

    @Override
    public Strategy create(StrategyContext context, StrategyParameters parameters) {
      int f = Krum.byzantine(parameters);
      requireMinClients(context, parameters, 4 * f + 3, "n >= 4f + 3 (f=%d)".formatted(f));
      return new Bulyan(context, parameters, f);
    }
  }
}
