package dev.shoal.contribution;

import java.util.BitSet;

/** Synthetic utilities whose Shapley values are known. */
final class Games {

  private Games() {}

  /** v(S) = Σ_{i∈S} a_i: every marginal of i is a_i, so its Shapley value and leave-one-out are a_i. */
  static Utility additive(double... a) {
    return new Utility(a.length, s -> sum(a, s));
  }

  /** v(S) = √(Σ_{i∈S} a_i), a_i ≥ 0: diminishing returns, so Shapley and leave-one-out differ. */
  static Utility squareRoot(double... a) {
    return new Utility(a.length, s -> Math.sqrt(sum(a, s)));
  }

  /** v(S) = min(cap, Σ_{i∈S} a_i): saturates once a few participants are in. */
  static Utility saturating(double cap, double... a) {
    return new Utility(a.length, s -> Math.min(cap, sum(a, s)));
  }

  static double sum(double[] a, BitSet s) {
    double v = 0;
    for (int i = s.nextSetBit(0); i >= 0; i = s.nextSetBit(i + 1)) {
      v += a[i];
    }
    return v;
  }

  static double[] array(Scores s) {
    return s.values().stream().mapToDouble(Double::doubleValue).toArray();
  }

  static BitSet of(int... members) {
    BitSet s = new BitSet();
    for (int m : members) {
      s.set(m);
    }
    return s;
  }
}
