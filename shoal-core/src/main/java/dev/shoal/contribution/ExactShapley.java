package dev.shoal.contribution;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The exact Shapley value φ_i = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)), from all 2ⁿ
 * coalitions. For small rounds and as the reference the approximations are checked against.
 */
public record ExactShapley() implements Valuation {

  /** The largest round this evaluates (2ⁿ evaluations). */
  public static final int MAX_PARTICIPANTS = 16;

  @Override
  public Scores score(Utility utility) {
    int n = utility.size();
    if (n > MAX_PARTICIPANTS) {
      throw new IllegalArgumentException(
          "exact Shapley needs 2^n evaluations; participants must be <= " + MAX_PARTICIPANTS + ", got " + n);
    }
    int before = utility.evaluations();
    int subsets = 1 << n;
    double[] v = new double[subsets];
    for (int mask = 0; mask < subsets; mask++) {
      v[mask] = utility.value(BitSet.valueOf(new long[] {mask}));
    }
    // weight[s] = s!(n−s−1)!/n!, the share of orderings in which a coalition of size s precedes i
    double[] weight = new double[n];
    for (int s = 0; s < n; s++) {
      weight[s] = 1.0 / (n * binomial(n - 1, s));
    }
    List<Double> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int bit = 1 << i;
      double phi = 0;
      for (int mask = 0; mask < subsets; mask++) {
        if ((mask & bit) == 0) {
          phi += weight[Integer.bitCount(mask)] * (v[mask | bit] - v[mask]);
        }
      }
      values.add(phi);
    }
    return new Scores(values, utility.evaluations() - before);
  }

  private static double binomial(int n, int k) {
    double c = 1;
    for (int j = 1; j <= k; j++) {
      c = c * (n - k + j) / j;
    }
    return c;
  }
}
