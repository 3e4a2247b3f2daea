package dev.shoal.privacy;

import java.util.stream.DoubleStream;

/**
 * Rényi differential privacy (RDP) of the Poisson-subsampled Gaussian mechanism — each example
 * joins a step with probability q, and the step adds Gaussian noise of standard deviation σ
 * times the clipping norm — after Mironov, Talwar and Zhang, "Rényi Differential Privacy of the
 * Sampled Gaussian Mechanism" (2019). The computation is the one of Opacus' and TF-Privacy's RDP
 * accountants: for an integer order α a finite binomial sum, for a fractional order a two-sided
 * infinite series, both in log space.
 *
 * <p>An accountant adds up the RDP of the steps it is told about (RDP composes by addition, order
 * by order), and converts the total to an (ε, δ) guarantee at the best order. An accountant is
 * not thread-safe.
 */
public final class RdpAccountant {

  private static final double[] DEFAULT_ORDERS = DoubleStream.concat(
      DoubleStream.iterate(1, x -> x + 1).limit(99).map(x -> 1 + x / 10.0),
      DoubleStream.iterate(12, x -> x + 1).limit(52)).toArray();

  private final double[] orders;
  private final double[] rdp;
  private double lastQ = Double.NaN;
  private double lastSigma = Double.NaN;
  private double[] lastRdp;

  /** Opacus' default orders: 1.1, 1.2, …, 10.9, then 12, 13, …, 63. */
  public static double[] defaultOrders() {
    return DEFAULT_ORDERS.clone();
  }

  /** An accountant at Opacus' default orders. */
  public RdpAccountant() {
    this(DEFAULT_ORDERS);
  }

  /** An accountant at the given RDP orders, each greater than 1 (infinity allowed). */
  public RdpAccountant(double[] orders) {
    if (orders.length == 0) {
      throw new IllegalArgumentException("at least one RDP order is needed");
    }
    for (double order : orders) {
      checkOrder(order);
    }
    this.orders = orders.clone();
    this.rdp = new double[orders.length];
  }

  /** Accounts for one step with sampling rate {@code q} and noise multiplier {@code sigma}. */
  public RdpAccountant step(double q, double sigma) {
    return steps(q, sigma, 1);
  }

  /** Accounts for {@code steps} steps with sampling rate {@code q} and noise multiplier {@code sigma}. */
  public RdpAccountant steps(double q, double sigma, long steps) {
    checkSteps(steps);
    if (steps == 0) {
      checkRate(q);
      checkSigma(sigma);
      return this;
    }
    if (q != lastQ || sigma != lastSigma) {
      lastRdp = computeRdp(q, sigma, 1, orders);
      lastQ = q;
      lastSigma = sigma;
    }
    for (int k = 0; k < orders.length; k++) {
      rdp[k] += lastRdp[k] * steps;
    }
    return this;
  }

  /** The orders this accountant tracks. */
  public double[] orders() {
    return orders.clone();
  }

  /** The RDP accumulated so far, one value per order. */
  public double[] rdp() {
    return rdp.clone();
  }

  /** The ε of the steps so far at {@code delta}, by the default (Balle et al.) conversion. */
  public PrivacySpent epsilon(double delta) {
    return epsilon(delta, Conversion.BALLE);
  }

  /** The ε of the steps so far at {@code delta}, by the given conversion. */
  public PrivacySpent epsilon(double delta, Conversion conversion) {
    return privacySpent(orders, rdp, delta, conversion);
  }

  /**
   * The RDP of {@code steps} steps of the sampled Gaussian mechanism at each of {@code orders}
   * (as Opacus' and TF-Privacy's {@code compute_rdp}).
   */
  public static double[] computeRdp(double q, double sigma, long steps, double... orders) {
    checkRate(q);
    checkSigma(sigma);
    checkSteps(steps);
    double[] out = new double[orders.length];
    for (int k = 0; k < orders.length; k++) {
      checkOrder(orders[k]);
      double perStep = rdpOfOneStep(q, sigma, orders[k]);
      out[k] = steps == 0 ? 0 : perStep * steps;
    }
    return out;
  }

  /**
   * The smallest ε over the orders such that RDP {@code rdp[k]} at order {@code orders[k]}
   * implies (ε, δ)-DP, and the order that gives it.
   */
  public static PrivacySpent privacySpent(double[] orders, double[] rdp, double delta, Conversion conversion) {
    if (orders.length != rdp.length || orders.length == 0) {
      throw new IllegalArgumentException(
          "need one RDP value per order, got " + orders.length + " orders and " + rdp.length + " values");
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("δ must be in (0, 1), got " + delta);
    }
    int best = -1;
    double bestEps = Double.NaN;
    for (int k = 0; k < orders.length; k++) {
      checkOrder(orders[k]);
      double eps = conversion.epsilon(orders[k], rdp[k], delta);
      if (!Double.isNaN(eps) && (best < 0 || eps < bestEps)) {
        best = k;
        bestEps = eps;
      }
    }
    if (best < 0 || Double.isInfinite(bestEps)) {
      return new PrivacySpent(Double.POSITIVE_INFINITY, Double.NaN);
    }
    return new PrivacySpent(Math.max(0, bestEps), orders[best]);
  }

  /** The RDP of one step at order {@code alpha}; {@code _compute_rdp} in Opacus and TF-Privacy. */
  static double rdpOfOneStep(double q, double sigma, double alpha) {
    if (q == 0) {
      return 0;
    }
    if (sigma == 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (q == 1) {
      return alpha / (2 * sigma * sigma);
    }
    if (Double.isInfinite(alpha)) {
      return Double.POSITIVE_INFINITY;
    }
    return logA(q, sigma, alpha) / (alpha - 1);
  }

  /** log(A_α), the α-th moment of the privacy loss; {@code _compute_log_a}. */
  static double logA(double q, double sigma, double alpha) {
    return alpha == Math.rint(alpha) ? logAInt(q, sigma, (long) alpha) : logAFrac(q, sigma, alpha);
  }

  /** Integer α: log Σᵢ C(α, i) qⁱ (1-q)^(α-i) exp((i² - i) / 2σ²); {@code _compute_log_a_int}. */
  static double logAInt(double q, double sigma, long alpha) {
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double logA = Double.NEGATIVE_INFINITY;
    double logBinom = 0; // log C(alpha, i)
    for (long i = 0; i <= alpha; i++) {
      if (i > 0) {
        logBinom += Math.log(alpha - i + 1) - Math.log(i);
      }
      double logCoef = logBinom + i * logQ + (alpha - i) * log1mQ;
      logA = LogMath.logAdd(logA, logCoef + (double) (i * i - i) / (2 * sigma * sigma));
    }
    return logA;
  }

  /**
   * Fractional α: the two halves of A_α, integrals below and above z0, as series whose terms
   * carry erfc factors, summed until both terms drop below e^-30; {@code _compute_log_a_frac}.
   */
  static double logAFrac(double q, double sigma, double alpha) {
    double logA0 = Double.NEGATIVE_INFINITY;
    double logA1 = Double.NEGATIVE_INFINITY;
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
    double sqrt2Sigma = Math.sqrt(2) * sigma;
    double logHalf = Math.log(0.5);
    double logAbsCoef = 0; // log |C(alpha, i)|
    boolean positive = true; // sign of C(alpha, i)
    for (int i = 0; ; i++) {
      if (i > 0) {
        double factor = alpha - i + 1;
        logAbsCoef += Math.log(Math.abs(factor)) - Math.log(i);
        positive ^= factor < 0;
      }
      double j = alpha - i;
      double logT0 = logAbsCoef + i * logQ + j * log1mQ;
      double logT1 = logAbsCoef + j * logQ + i * log1mQ;
      double logE0 = logHalf + LogMath.logErfc((i - z0) / sqrt2Sigma);
      double logE1 = logHalf + LogMath.logErfc((z0 - j) / sqrt2Sigma);
      double logS0 = logT0 + (double) (i * i - i) / (2 * sigma * sigma) + logE0;
      double logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
      if (positive) {
        logA0 = LogMath.logAdd(logA0, logS0);
        logA1 = LogMath.logAdd(logA1, logS1);
      } else {
        logA0 = LogMath.logSub(logA0, logS0);
        logA1 = LogMath.logSub(logA1, logS1);
      }
      if (Math.max(logS0, logS1) < -30) {
        return LogMath.logAdd(logA0, logA1);
      }
    }
  }

  private static void checkRate(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("sampling rate q must be in [0, 1], got " + q);
    }
  }

  private static void checkSigma(double sigma) {
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("noise multiplier σ must be ≥ 0 and finite, got " + sigma);
    }
  }

  private static void checkSteps(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be ≥ 0, got " + steps);
    }
  }

  private static void checkOrder(double order) {
    if (!(order > 1)) {
      throw new IllegalArgumentException("RDP orders must be > 1, got " + order);
    }
  }
}
