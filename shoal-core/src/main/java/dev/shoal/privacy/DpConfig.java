package dev.shoal.privacy;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Client-level differential privacy for federated rounds (DP-FedAvg): how clients are sampled,
 * how their updates are clipped, how much noise the sum of the updates gets, and what guarantee
 * is wanted. One round is one step of the sampled Gaussian mechanism over the clients, accounted
 * by {@link RdpAccountant}.
 *
 * @param noiseMultiplier z ≥ 0: the round is accounted as a Gaussian mechanism with noise of
 *     standard deviation z·C on the sum of clipped updates. With adaptive clipping part of the
 *     budget goes to the clipped count, and the sum gets the larger multiplier
 *     {@link #sumNoiseMultiplier()} so the round as a whole still is worth z.
 * @param clipping fixed or adaptive clip norm
 * @param sampling how clients are drawn each round
 * @param samplingRate q in (0, 1]: each client's chance to be drawn (Poisson), or the share drawn
 *     (fixed)
 * @param delta δ in (0, 1)
 * @param targetEpsilon when present (> 0), the run stops before a round that would take ε past it
 * @param conversion how RDP becomes (ε, δ)
 * @param mode who clips and adds the noise
 */
public record DpConfig(
    double noiseMultiplier,
    Clipping clipping,
    Sampling sampling,
    double samplingRate,
    double delta,
    OptionalDouble targetEpsilon,
    Conversion conversion,
    Mode mode) {

  /** How the clients of a round are drawn from the N available. */
  public enum Sampling {
    /** Each available client independently with probability q; the number drawn varies. */
    POISSON,
    /** Exactly m = round(q·N) clients, uniformly without replacement. */
    FIXED
  }

  /** Who clips the updates and adds the noise. */
  public enum Mode {
    /**
     * The coordinator sees each update, clips it and adds all the noise to the sum. Clients must
     * trust the coordinator.
     */
    CENTRAL,
    /**
     * Each client clips its own update and adds a share of the noise of standard deviation
     * z·S/√(expected clients), so the sum of the shares, which secure aggregation reveals alone,
     * carries noise z·S. This assumes the expected number of clients report: every client that
     * drops out takes its share with it and leaves the sum with less noise than accounted for.
     * Needs fixed clipping.
     */
    DISTRIBUTED
  }

  public DpConfig {
    Objects.requireNonNull(clipping, "clipping");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(targetEpsilon, "targetEpsilon");
    Objects.requireNonNull(conversion, "conversion");
    Objects.requireNonNull(mode, "mode");
    if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
      throw new IllegalArgumentException("noiseMultiplier must be a finite number ≥ 0, got " + noiseMultiplier);
    }
    if (!(samplingRate > 0 && samplingRate <= 1)) {
      throw new IllegalArgumentException("samplingRate must be in (0, 1], got " + samplingRate);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    if (targetEpsilon.isPresent()
        && (!(targetEpsilon.getAsDouble() > 0) || Double.isInfinite(targetEpsilon.getAsDouble()))) {
      throw new IllegalArgumentException(
          "targetEpsilon must be a finite number > 0 when given, got " + targetEpsilon.getAsDouble());
    }
    if (clipping instanceof Clipping.Adaptive a) {
      if (mode == Mode.DISTRIBUTED) {
        throw new IllegalArgumentException(
            "clipping must be fixed in mode DISTRIBUTED, got adaptive: the coordinator never sees an update's norm");
      }
      if (noiseMultiplier > 0 && !(2 * a.countNoiseStddev() > noiseMultiplier)) {
        throw new IllegalArgumentException(
            "countNoiseStddev must be > noiseMultiplier/2 = %s with adaptive clipping, got %s (Andrew et al., Theorem 1)"
                .formatted(noiseMultiplier / 2, a.countNoiseStddev()));
      }
    }
  }

  /**
   * The noise multiplier z_Δ of the noise on the sum of clipped updates: z itself with fixed
   * clipping; with adaptive clipping (z⁻² − (2σ_b)⁻²)^(−1/2), so that the sum and the count
   * together are worth one Gaussian mechanism with multiplier z (Andrew et al., Theorem 1: the
   * count of unclipped updates, centred, has sensitivity 1/2). 0 when z is 0.
   */
  public double sumNoiseMultiplier() {
    if (noiseMultiplier == 0 || !(clipping instanceof Clipping.Adaptive a)) {
      return noiseMultiplier;
    }
    double twoSigmaB = 2 * a.countNoiseStddev();
    return 1 / Math.sqrt(1 / (noiseMultiplier * noiseMultiplier) - 1 / (twoSigmaB * twoSigmaB));
  }

  /**
   * How many clients a round expects from {@code available}: q·N with Poisson sampling (the
   * fixed denominator of the unbiased estimator), round(q·N) with fixed sampling.
   */
  public double expectedClients(int available) {
    if (available < 0) {
      throw new IllegalArgumentException("available clients must be ≥ 0, got " + available);
    }
    return switch (sampling) {
      case POISSON -> samplingRate * available;
      case FIXED -> Math.round(samplingRate * available);
    };
  }

  /**
   * In {@link Mode#DISTRIBUTED} mode, the standard deviation of each client's share of the noise
   * when {@code expectedClients} report: z·S/√(expected clients).
   */
  public double clientNoiseStddev(double expectedClients) {
    if (!(expectedClients > 0)) {
      throw new IllegalArgumentException("expected clients must be > 0, got " + expectedClients);
    }
    return noiseMultiplier * clipping.initialClipNorm() / Math.sqrt(expectedClients);
  }

  /**
   * The privacy spent after rounds 1 to {@code rounds}: that many steps of the sampled Gaussian
   * mechanism with rate q and multiplier z, converted at δ; 0 after no rounds. With fixed sampling this uses the
   * Poisson bound at q (see docs/privacy.md). Infinite when z is 0.
   */
  public PrivacySpent epsilonAfter(int rounds) {
    if (rounds < 0) {
      throw new IllegalArgumentException("rounds must be ≥ 0, got " + rounds);
    }
    if (rounds == 0) {
      return new PrivacySpent(0, Double.NaN);
    }
    return new RdpAccountant().steps(samplingRate, noiseMultiplier, rounds).epsilon(delta, conversion);
  }
}
