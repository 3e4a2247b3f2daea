package dev.shoal.contribution;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GTG-Shapley (Liu, Tian, Chen, Yu, Yu and Li, "GTG-Shapley: Efficient and Accurate Participant
 * Contribution Evaluation in Federated Learning", ACM TIST 2022): a Monte Carlo estimate of one
 * round's Shapley values from sampled permutations of the participants, made cheap by
 *
 * <ul>
 *   <li><b>between-round truncation</b>: when |v(N) − v(∅)| &lt; {@code betweenRoundEpsilon} the
 *       round changed too little to be worth splitting, and every score is 0 (two evaluations);
 *   <li><b>within-round truncation</b>: a permutation is walked from the empty coalition, adding one
 *       participant at a time, until the prefix is worth within {@code withinRoundEpsilon} of v(N);
 *       the marginals of the participants after that point count as 0;
 *   <li><b>guided sampling</b>: permutation k puts participant k mod n first and shuffles the rest,
 *       so every participant is measured against the empty coalition, where marginals are largest;
 *   <li><b>convergence</b>: after at least max({@code minPermutations}, n) permutations it stops
 *       once, over the last {@code window} permutations, the running means moved by at most
 *       {@code tolerance} relative to the current means (averaged over participants); it never
 *       samples more than {@code maxPermutations}.
 * </ul>
 *
 * <p>Coalitions are cached by {@link Utility}, so a coalition met again in another permutation costs
 * nothing. Sampling uses a {@link SplittableRandom} seeded with {@code seed}: the same seed and
 * utility give the same scores. The randomness is not secret; it only has to be repeatable.
 *
 * <p>Truncation makes the estimate slightly biased: along each permutation the marginals add up to
 * v(last prefix) − v(∅), within {@code withinRoundEpsilon} of v(N) − v(∅), so the scores sum to
 * v(N) − v(∅) within that epsilon rather than exactly.
 */
public record GtgShapley(
    double betweenRoundEpsilon,
    double withinRoundEpsilon,
    double tolerance,
    int window,
    int minPermutations,
    int maxPermutations,
    long seed)
    implements Valuation {

  private static final Logger log = LoggerFactory.getLogger(GtgShapley.class);

  public GtgShapley {
    requireNonNegative("betweenRoundEpsilon", betweenRoundEpsilon);
    requireNonNegative("withinRoundEpsilon", withinRoundEpsilon);
    requireNonNegative("tolerance", tolerance);
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    if (minPermutations < 1) {
      throw new IllegalArgumentException("minPermutations must be >= 1, got " + minPermutations);
    }
    if (maxPermutations < minPermutations) {
      throw new IllegalArgumentException(
          "maxPermutations must be >= minPermutations (" + minPermutations + "), got " + maxPermutations);
    }
  }

  /**
   * The reference implementation's settings: both epsilons 0.001, tolerance 0.05 over the last 10
   * permutations, at least 30 and at most 500 permutations.
   */
  public static GtgShapley defaults(long seed) {
    return new GtgShapley(0.001, 0.001, 0.05, 10, 30, 500, seed);
  }

  /**
   * Settings cheap enough to run every round of a training run: the reference epsilons and
   * tolerance, convergence judged over the last 5 permutations, at least 10 (and at least one led
   * by each participant) and at most 20 permutations.
   */
  public static GtgShapley quick(long seed) {
    return new GtgShapley(0.001, 0.001, 0.05, 5, 10, 20, seed);
  }

  public GtgShapley withSeed(long newSeed) {
    return new GtgShapley(
        betweenRoundEpsilon, withinRoundEpsilon, tolerance, window, minPermutations, maxPermutations, newSeed);
  }

  @Override
  public Scores score(Utility utility) {
    int n = utility.size();
    int before = utility.evaluations();
    double all = utility.ofAll();
    double none = utility.ofNone();
    if (Math.abs(all - none) < betweenRoundEpsilon) {
      log.debug("gtg-shapley truncated round participants={} gain={} epsilon={}", n, all - none, betweenRoundEpsilon);
      return new Scores(zeros(n), utility.evaluations() - before);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] sums = new double[n];
    Deque<double[]> recent = new ArrayDeque<>(window + 1);
    int atLeast = Math.max(minPermutations, n);
    int permutations = 0;
    double[] mean = new double[n];
    while (permutations < maxPermutations) {
      int[] order = guidedPermutation(n, permutations % n, rng);
      BitSet prefix = new BitSet(n);
      double previous = none;
      for (int p : order) {
        if (Math.abs(all - previous) < withinRoundEpsilon) {
          break;
        }
        prefix.set(p);
        double current = utility.value(prefix);
        sums[p] += current - previous;
        previous = current;
      }
      permutations++;
      mean = new double[n];
      for (int i = 0; i < n; i++) {
        mean[i] = sums[i] / permutations;
      }
      if (recent.size() == window) {
        recent.removeFirst();
      }
      recent.addLast(mean);
      if (permutations >= atLeast && recent.size() == window && converged(recent, mean)) {
        break;
      }
    }
    int used = utility.evaluations() - before;
    log.debug("gtg-shapley participants={} permutations={} evaluations={}", n, permutations, used);
    List<Double> values = new ArrayList<>(n);
    for (double m : mean) {
      values.add(m);
    }
    return new Scores(values, used);
  }

  /** Whether every mean in {@code recent} is within the tolerance of {@code current}, relative per participant. */
  private boolean converged(Deque<double[]> recent, double[] current) {
    for (double[] earlier : recent) {
      double error = 0;
      for (int i = 0; i < current.length; i++) {
        error += Math.abs(earlier[i] - current[i]) / (Math.abs(current[i]) + 1e-12);
      }
      if (error / current.length > tolerance) {
        return false;
      }
    }
    return true;
  }

  /** {@code lead} first, then the others in a uniformly random order. */
  private static int[] guidedPermutation(int n, int lead, SplittableRandom rng) {
    int[] order = new int[n];
    order[0] = lead;
    for (int i = 1, p = 0; i < n; i++, p++) {
      if (p == lead) {
        p++;
      }
      order[i] = p;
    }
    for (int i = n - 1; i > 1; i--) {
      int j = 1 + rng.nextInt(i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  private static List<Double> zeros(int n) {
    List<Double> z = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      z.add(0.0);
    }
    return z;
  }

  private static void requireNonNegative(String field, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(field + " must be a finite number >= 0, got " + value);
    }
  }
}
