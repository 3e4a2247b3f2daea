package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Krum (Blanchard, El Mhamdi, Guerraoui and Stainer, "Machine Learning with Adversaries: Byzantine
 * Tolerant Gradient Descent", NeurIPS 2017): each update is scored by the sum of its squared
 * distances to its n − f − 2 nearest neighbours, and the next global model is the update with the
 * lowest score (the first in client order on a tie). Tolerates f Byzantine updates among n when
 * n > 2f + 2.
 */
public final class Krum extends RobustStrategy {

  /** The number of Byzantine updates tolerated when none is given. */
  public static final int DEFAULT_F = 1;

  private final int f;

  Krum(StrategyContext context, StrategyParameters parameters, int f) {
    super(context, parameters);
    this.f = f;
  }

  @Override
  public String name() {
    return "krum";
  }

  @Override
  protected Optional<String> violated(int n) {
    return condition(n, f);
  }

  @Override
  protected ParameterSet aggregate(HeldUpdates updates, int setAside, ParameterSet global,
      Map<String, String> metadata) {
    int f = Math.max(0, this.f - setAside);
    int[] all = new int[updates.size()];
    Arrays.setAll(all, i -> i);
    int best = best(updates.squaredDistances(), all, f);
    return ((CoordinateRule) sorted -> sorted[0]).applyTo(updates, new int[] {best}, global, metadata);
  }

  /** Krum's condition n > 2f + 2, or why it fails. */
  static Optional<String> condition(int n, int f) {
    return n > 2 * f + 2 ? Optional.empty()
        : Optional.of("Krum needs n > 2f + 2, and n=%d, f=%d".formatted(n, f));
  }

  /**
   * Krum's score of each of the updates {@code among}: the sum of its squared distances to its
   * {@code among.length − f − 2} nearest others in {@code among} (at least none), summed from the
   * smallest so that the order of the updates does not change it.
   */
  static double[] scores(double[][] squaredDistances, int[] among, int f) {
    int neighbours = Math.max(0, among.length - f - 2);
    double[] scores = new double[among.length];
    double[] others = new double[among.length - 1];
    for (int a = 0; a < among.length; a++) {
      int o = 0;
      for (int b = 0; b < among.length; b++) {
        if (b != a) {
          others[o++] = squaredDistances[among[a]][among[b]];
        }
      }
      Arrays.sort(others);
      double s = 0;
      for (int k = 0; k < neighbours; k++) {
        s += others[k];
      }
      scores[a] = s;
    }
    return scores;
  }

  /** The update of {@code among} with the lowest score, the first on a tie. */
  static int best(double[][] squaredDistances, int[] among, int f) {
    double[] s = scores(squaredDistances, among, f);
    int best = 0;
    for (int a = 1; a < s.length; a++) {
      if (s[a] < s[best]) {
        best = a;
      }
    }
    return among[best];
  }

  /** Reads {@code f}, at least 0. */
  static int byzantine(StrategyParameters parameters) {
    long f = parameters.integer("f", DEFAULT_F);
    if (f < 0 || f > 10_000) {
      throw parameters.refuse("the number of Byzantine updates f must be in [0, 10000], got f=" + f);
    }
    return (int) f;
  }

  /** Registers {@code krum} with parameter {@code f}. */
  public static final class Factory implements StrategyFactory {
    @Override
    public String name() {
      return "krum";
    }

    @Override
    public String summary() {
      return "the update closest to its n - f - 2 nearest neighbours (Blanchard et al. 2017); robust, not under secure aggregation";
    }

    @Override
    public Strategy create(StrategyContext context, StrategyParameters parameters) {
      int f = byzantine(parameters);
      requireMinClients(context, parameters, 2 * f + 3, "n > 2f + 2 (f=%d)".formatted(f));
      return new Krum(context, parameters, f);
    }
  }
}
