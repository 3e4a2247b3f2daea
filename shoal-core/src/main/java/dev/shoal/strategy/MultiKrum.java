package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Multi-Krum (Blanchard et al., NeurIPS 2017, section 5; El Mhamdi et al. 2018): the m updates
 * with the lowest Krum scores are averaged, unweighted. m = n − f when not given; m = 1 is Krum.
 * Needs n > 2f + 2 and 1 ≤ m ≤ n − f.
 */
public final class MultiKrum extends RobustStrategy {

  private final int f;
  private final int m;

  /** @param m how many updates to average, or 0 for n − f */
  MultiKrum(StrategyContext context, StrategyParameters parameters, int f, int m) {
    super(context, parameters);
    this.f = f;
    this.m = m;
  }

  @Override
  public String name() {
    return "multikrum";
  }

  @Override
  protected Optional<String> violated(int n) {
    Optional<String> krum = Krum.condition(n, f);
    if (krum.isPresent() || m <= n - f) {
      return krum;
    }
    return Optional.of("Multi-Krum needs m <= n - f, and m=%d, n=%d, f=%d".formatted(m, n, f));
  }

  @Override
  protected ParameterSet aggregate(HeldUpdates updates, int setAside, ParameterSet global,
      Map<String, String> metadata) {
    int f = Math.max(0, this.f - setAside);
    int n = updates.size();
    int[] all = IntStream.range(0, n).toArray();
    double[] scores = Krum.scores(updates.squaredDistances(), all, f);
    int keep = m == 0 ? n - f : m;
    int[] chosen = IntStream.range(0, n).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparingInt(i -> i))
        .limit(keep).mapToInt(Integer::intValue).toArray();
    Arrays.sort(chosen);
    return ((CoordinateRule) sorted -> CoordinateRule.trimmedMean(sorted, 0)).applyTo(updates, chosen, global, metadata);
  }

  /** Registers {@code multikrum} with parameters {@code f} and {@code m}. */
  public static final class Factory implements StrategyFactory {
    @Override
    public String name() {
      return "multikrum";
    }

    @Override
    public String summary() {
      return "the mean of the m updates with the best Krum scores (Blanchard et al. 2017); robust, not under secure aggregation";
    }

    @Override
    public Strategy create(StrategyContext context, StrategyParameters parameters) {
      int f = Krum.byzantine(parameters);
      long m = parameters.integer("m", 0);
      if (m < 0 || m > 10_000) {
        throw parameters.refuse("Multi-Krum needs 1 <= m <= n - f (or m=0 for n - f), got m=" + m);
      }
      int needed = (int) Math.max(2L * f + 3, m + f);
      requireMinClients(context, parameters, needed, m == 0 ? "n > 2f + 2 (f=%d)".formatted(f)
          : "n > 2f + 2 and n >= m + f (f=%d, m=%d)".formatted(f, m));
      return new MultiKrum(context, parameters, f, (int) m);
    }
  }
}
