package dev.shoal.attack;

import dev.shoal.strategy.Sampling;
import dev.shoal.strategy.Seeds;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Who attacks and how: the attack, its scale and the attacking clients, chosen from the run's
 * seed so that anyone re-running the same command attacks with the same clients.
 *
 * @param scale the attack's S (see {@link Attack}); for label-flip unused
 */
public record AttackPlan(Attack attack, List<String> attackers, double scale, int clients) {

  public AttackPlan {
    attackers = List.copyOf(attackers);
  }

  /**
   * Chooses {@code f} of the {@code clients} uniformly from {@code seed}.
   *
   * @param scale S, or NaN for the attack's default
   * @throws IllegalArgumentException when f is not in [1, clients], or a scale is given to label-flip
   */
  public static AttackPlan choose(Attack attack, int f, List<String> clients, long seed, double scale) {
    if (f < 1 || f > clients.size()) {
      throw new IllegalArgumentException("--attackers must be in [1, %d] (the clients), got %d".formatted(clients.size(), f));
    }
    if (attack == Attack.LABEL_FLIP && !Double.isNaN(scale)) {
      throw new IllegalArgumentException("--attack-scale does not apply to label-flip, which flips class y of C to C - 1 - y");
    }
    if (!Double.isNaN(scale) && !(Double.isFinite(scale) && scale > 0)) {
      throw new IllegalArgumentException("--attack-scale must be a finite number > 0, got " + scale);
    }
    List<String> chosen = Sampling.sampleExactly(clients, f, new SplittableRandom(Seeds.derive(seed, "attack".hashCode())));
    double s = !Double.isNaN(scale) ? scale : attack == Attack.ALIE ? alieZ(clients.size(), f) : attack.defaultScale();
    return new AttackPlan(attack, chosen, s, clients.size());
  }

  public boolean attacks(String client) {
    return attackers.contains(client);
  }

  /** One line for the run's output. */
  public String describe() {
    String scaleText = attack == Attack.LABEL_FLIP ? "" : " (%s %s)".formatted(attack == Attack.ALIE ? "z" : "scale",
        String.format(Locale.ROOT, "%.4g", scale));
    return "%s%s by %d of %d clients: %s".formatted(attack.label(), scaleText, attackers.size(), clients,
        String.join(", ", attackers));
  }

  /** Baruch et al.'s z_max: Φ⁻¹((n − s)/n) with s = ⌊n/2 + 1⌋ − f, kept within [0, Φ⁻¹(0.999)]. */
  static double alieZ(int n, int f) {
    int s = n / 2 + 1 - f;
    double p = (double) (n - s) / n;
    return Math.max(0, Normal.inverseCdf(Math.min(p, 0.999)));
  }
}
