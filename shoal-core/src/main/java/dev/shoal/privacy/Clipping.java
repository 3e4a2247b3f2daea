package dev.shoal.privacy;

/** How DP-FedAvg chooses the L2 norm C to which it clips each client's update. */
public sealed interface Clipping {

  /** The clip norm of the first round. */
  double initialClipNorm();

  /**
   * The same clip norm S in every round.
   *
   * @param clipNorm S, greater than 0
   */
  record Fixed(double clipNorm) implements Clipping {

    public Fixed {
      if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
        throw new IllegalArgumentException("clipNorm must be a finite number > 0, got " + clipNorm);
      }
    }

    @Override
    public double initialClipNorm() {
      return clipNorm;
    }
  }

  /**
   * A clip norm that follows a quantile of the update norms, after Andrew, Thakkar, McMahan and
   * Ramaswamy, "Differentially Private Learning with Adaptive Clipping" (NeurIPS 2021). After
   * each round C ← C·exp(−η(b̃ − γ)), b̃ being the fraction of updates whose norm was at most C,
   * estimated privately: b̃ = (Σᵢ bᵢ + N(0, σ_b²)) / (expected number of clients).
   *
   * @param initialClipNorm C of the first round, greater than 0
   * @param targetQuantile γ, the fraction of updates that should go unclipped, in (0, 1)
   * @param learningRate η, greater than 0
   * @param countNoiseStddev σ_b, the standard deviation of the noise on the count of unclipped
   *     updates, ≥ 0 (it must exceed half the noise multiplier when there is noise; see
   *     {@link DpConfig#sumNoiseMultiplier()})
   */
  record Adaptive(double initialClipNorm, double targetQuantile, double learningRate, double countNoiseStddev)
      implements Clipping {

    public Adaptive {
      if (!(initialClipNorm > 0) || Double.isInfinite(initialClipNorm)) {
        throw new IllegalArgumentException("initialClipNorm must be a finite number > 0, got " + initialClipNorm);
      }
      if (!(targetQuantile > 0 && targetQuantile < 1)) {
        throw new IllegalArgumentException("targetQuantile must be in (0, 1), got " + targetQuantile);
      }
      if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException("learningRate must be a finite number > 0, got " + learningRate);
      }
      if (!(countNoiseStddev >= 0) || Double.isInfinite(countNoiseStddev)) {
        throw new IllegalArgumentException("countNoiseStddev must be a finite number ≥ 0, got " + countNoiseStddev);
      }
    }

    /**
     * The clip norm after a round that used {@code clipNorm} and estimated the unclipped fraction
     * as {@code unclippedFraction}: C·exp(−η(b̃ − γ)).
     */
    public double next(double clipNorm, double unclippedFraction) {
      return clipNorm * Math.exp(-learningRate * (unclippedFraction - targetQuantile));
    }
  }
}
