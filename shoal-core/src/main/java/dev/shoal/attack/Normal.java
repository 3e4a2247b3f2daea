package dev.shoal.attack;

/** The standard normal distribution's CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7) and its inverse. */
final class Normal {

  private Normal() {}

  static double cdf(double x) {
    double z = Math.abs(x) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * z);
    double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
        * Math.exp(-z * z);
    return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
  }

  /** x with cdf(x) = p, by bisection, for 0 < p < 1. */
  static double inverseCdf(double p) {
    double lo = -10;
    double hi = 10;
    for (int i = 0; i < 100; i++) {
      double mid = (lo + hi) / 2;
      if (cdf(mid) < p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }
}
