package dev.shoal.attack;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The attacks a simulation can mount, each on the replies of its attacking clients (Δ = the
 * client's honest model minus the round's global model, S = the attack's scale):
 *
 * <ul>
 *   <li>{@code sign-flip}: global − S·Δ (S = 4 by default)
 *   <li>{@code gaussian}: global + N(0, S²) in every coordinate, no training (S = 1)
 *   <li>{@code scaling}: global + S·Δ (S = 10)
 *   <li>{@code label-flip}: honest training with class y of C relabelled C − 1 − y; takes no scale
 *   <li>{@code alie}: "A Little Is Enough" (Baruch, Baruch and Goldberg, NeurIPS 2019): every
 *       attacker sends global + μ − z·σ, μ and σ the coordinate-wise mean and standard deviation of
 *       all attackers' honest updates this round; z = S, by default Φ⁻¹((n − s)/n) with
 *       s = ⌊n/2 + 1⌋ − f for n clients and f attackers
 *   <li>{@code inflate-examples}: the global model unchanged, claiming S examples (S = 10⁹)
 * </ul>
 */
public enum Attack {
  SIGN_FLIP(4),
  GAUSSIAN(1),
  SCALING(10),
  LABEL_FLIP(Double.NaN),
  ALIE(Double.NaN),
  INFLATE_EXAMPLES(1e9);

  private final double defaultScale;

  Attack(double defaultScale) {
    this.defaultScale = defaultScale;
  }

  /** The name on the command line, e.g. {@code sign-flip}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The scale S when none is given; NaN for label-flip (none) and ALIE (computed from n and f). */
  public double defaultScale() {
    return defaultScale;
  }

  /**
   * The attack called {@code label}.
   *
   * @throws IllegalArgumentException naming the attacks there are
   */
  public static Attack parse(String label) {
    for (Attack a : values()) {
      if (a.label().equals(label)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown attack '%s'; the attacks are: %s".formatted(label,
        Arrays.stream(values()).map(Attack::label).collect(Collectors.joining(", "))));
  }
}
