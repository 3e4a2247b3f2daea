package dev.shoal.data;

import java.util.Random;

/**
 * Draws from Gamma(shape, 1) by Marsaglia and Tsang's method ("A simple method for generating
 * gamma variables", ACM TOMS 26(3), 2000), and from the symmetric Dirichlet distribution
 * through it. Uses {@link Random}, whose algorithms the Java specification fixes, and {@link
 * StrictMath}, so a seed gives the same draws on every JVM and processor.
 */
final class GammaDistribution {

  private GammaDistribution() {}

  /** One draw from Gamma(shape, 1); {@code shape} must be positive. */
  static double sample(double shape, Random random) {
    return StrictMath.exp(logSample(shape, random));
  }

  /**
   * The logarithm of one draw from Gamma(shape, 1). For shape below 1 the draw is
   * Gamma(shape + 1) · U^(1/shape), which underflows to 0 for tiny shapes; its logarithm does
   * not.
   */
  static double logSample(double shape, Random random) {
    if (!(shape > 0) || Double.isInfinite(shape)) {
      throw new IllegalArgumentException("gamma shape must be positive and finite, got " + shape);
    }
    if (shape < 1) {
      double u = 1 - random.nextDouble(); // in (0, 1]
      return StrictMath.log(marsagliaTsang(shape + 1, random)) + StrictMath.log(u) / shape;
    }
    return StrictMath.log(marsagliaTsang(shape, random));
  }

  /**
   * A draw from the symmetric Dirichlet distribution Dir(alpha, ..., alpha) over {@code k}
   * categories: normalised Gamma(alpha) draws, computed from their logarithms so that small
   * alphas do not turn into 0/0.
   */
  static double[] dirichlet(double alpha, int k, Random random) {
    double[] p = new double[k];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < k; i++) {
      p[i] = logSample(alpha, random);
      max = Math.max(max, p[i]);
    }
    double sum = 0;
    for (int i = 0; i < k; i++) {
      p[i] = StrictMath.exp(p[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < k; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** Marsaglia–Tsang for shape >= 1. */
  private static double marsagliaTsang(double shape, Random random) {
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / StrictMath.sqrt(9.0 * d);
    while (true) {
      double x;
      double v;
      do {
        x = random.nextGaussian();
        v = 1.0 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = random.nextDouble();
      double x2 = x * x;
      if (u < 1.0 - 0.0331 * x2 * x2) {
        return d * v;
      }
      if (StrictMath.log(u) < 0.5 * x2 + d * (1.0 - v + StrictMath.log(v))) {
        return d * v;
      }
    }
  }
}
