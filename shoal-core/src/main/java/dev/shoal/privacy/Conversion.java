package dev.shoal.privacy;

/** How an RDP guarantee (α, ρ) becomes an (ε, δ) one. */
public enum Conversion {

  /**
   * Balle, Barthe, Gaboardi, Hsu and Sato, "Hypothesis testing interpretations and Rényi
   * differential privacy" (AISTATS 2020): ε = ρ − (log δ + log α)/(α − 1) +
   * log((α − 1)/α). Opacus' {@code get_privacy_spent}; never worse than the classic one.
   */
  BALLE {
    @Override
    double epsilon(double alpha, double rdp, double delta) {
      return rdp - (Math.log(delta) + Math.log(alpha)) / (alpha - 1) + Math.log((alpha - 1) / alpha);
    }
  },

  /** Mironov, "Rényi differential privacy" (CSF 2017), Proposition 3: ε = ρ − log δ/(α − 1). */
  CLASSIC {
    @Override
    double epsilon(double alpha, double rdp, double delta) {
      return rdp - Math.log(delta) / (alpha - 1);
    }
  };

  /** ε at order {@code alpha} for RDP {@code rdp} and failure probability {@code delta}. */
  abstract double epsilon(double alpha, double rdp, double delta);
}
