package dev.shoal.app;

import dev.shoal.attack.Attack;
import dev.shoal.attack.AttackPlan;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A simulation's attack ({@code --attack}, {@code --attackers}, {@code --attack-scale}): part of
 * the run's identity, which with the seed fixes the attacking clients.
 */
record AttackSpec(Attack attack, int attackers, OptionalDouble scale) {

  /** The attacking clients among {@code clients}, chosen from {@code seed}. */
  AttackPlan plan(List<String> clients, long seed) {
    return UserError.check(() -> AttackPlan.choose(attack, attackers, clients, seed, scale.orElse(Double.NaN)));
  }
}
