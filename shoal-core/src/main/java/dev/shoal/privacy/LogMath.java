package dev.shoal.privacy;

/**
 * Arithmetic on numbers held as their natural logarithms (0 is {@code -Infinity}), and the
 * logarithm of the complementary error function, which the JDK lacks.
 */
final class LogMath {

  private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
  /** Below this the power series for erf is used, above it the continued fraction for erfc. */
  private static final double SERIES_LIMIT = 1.5;

  private LogMath() {}

  /** log(exp(logX) + exp(logY)). */
  static double logAdd(double logX, double logY) {
    double a = Math.min(logX, logY);
    double b = Math.max(logX, logY);
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    return Math.log1p(Math.exp(a - b)) + b;
  }

  /** log(exp(logX) - exp(logY)); the difference must not be negative. */
  static double logSub(double logX, double logY) {
    if (logX < logY) {
      throw new ArithmeticException("log-space subtraction would go negative: " + logX + " < " + logY);
    }
    if (logY == Double.NEGATIVE_INFINITY) {
      return logX;
    }
    if (logX == logY) {
      return Double.NEGATIVE_INFINITY;
    }
    double d = Math.expm1(logX - logY);
    return Double.isInfinite(d) ? logX : Math.log(d) + logY;
  }

  /** erfc(x) = 1 - erf(x). */
  static double erfc(double x) {
    return Math.exp(logErfc(x));
  }

  /**
   * log(erfc(x)), accurate to a few units in the last place on the whole real line and finite far past
   * the point where erfc itself underflows (x > 26.5): there it is -x² - log(√π) + log(1/f(x)),
   * f being the continued fraction.
   */
  static double logErfc(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x < 0) {
      // erfc(x) = 2 - erfc(-x) = 1 + erf(-x), between 1 and 2.
      double y = -x;
      return y < SERIES_LIMIT ? Math.log1p(erfSeries(y)) : Math.log(2 - Math.exp(logErfcTail(y)));
    }
    return x < SERIES_LIMIT ? Math.log1p(-erfSeries(x)) : logErfcTail(x);
  }

  /**
   * erf(x) for 0 ≤ x < 1.5 from the series of positive terms
   * erf(x) = 2/√π · exp(-x²) · Σ 2ⁿ x²ⁿ⁺¹ / (1·3·…·(2n+1)), which does not cancel.
   */
  private static double erfSeries(double x) {
    double term = x;
    double sum = x;
    double twoX2 = 2 * x * x;
    for (int n = 1; term > 1e-17 * sum; n++) {
      term *= twoX2 / (2 * n + 1);
      sum += term;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
  }

  /**
   * log(erfc(x)) for x ≥ 1.5 (under a hundred terms) from the continued fraction
   * erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by Lentz's method.
   */
  private static double logErfcTail(double x) {
    if (x == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    double tiny = 1e-300;
    double f = x;
    double c = x;
    double d = 0;
    for (int n = 1; n < 10_000; n++) {
      double a = n / 2.0;
      d = x + a * d;
      d = d == 0 ? tiny : d;
      c = x + a / c;
      c = c == 0 ? tiny : c;
      d = 1 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return -x * x - LOG_SQRT_PI - Math.log(f);
  }
}
