package dev.shoal.app;

import dev.shoal.attack.Attack;
import java.util.Optional;
import java.util.OptionalDouble;
import picocli.CommandLine.Option;

/** {@code simulate --attack NAME --attackers F [--attack-scale S]}: some clients attack. */
final class AttackOptions {

  @Option(names = "--attack", paramLabel = "NAME", description = "sign-flip, gaussian, scaling, label-flip, alie or inflate-examples: the --attackers clients attack (default: none).")
  String attack;

  @Option(names = "--attackers", paramLabel = "F", description = "How many clients attack, chosen by --seed.")
  Integer attackers;

  @Option(names = "--attack-scale", paramLabel = "S", description = "The attack's strength; see docs/strategies.md for each attack's default.")
  Double scale;

  Optional<AttackSpec> resolve(Transport transport, Privacy privacy) {
    if (attack == null) {
      if (attackers != null || scale != null) {
        throw new UsageError("--attackers and --attack-scale need --attack NAME");
      }
      return Optional.empty();
    }
    Attack a;
    try {
      a = Attack.parse(attack);
    } catch (IllegalArgumentException e) {
      throw new UsageError("--attack: " + e.getMessage());
    }
    if (attackers == null) {
      throw new UsageError("--attack needs --attackers F, how many clients attack");
    }
    if (transport != Transport.INPROC) {
      throw new UserError("--attack is simulated with --transport inproc only: it rewrites replies in this process");
    }
    if (privacy.secureAggregation().isPresent()) {
      throw new UserError("--attack rewrites the replies the coordinator sees, and with --secagg it sees none");
    }
    return Optional.of(new AttackSpec(a, attackers, scale == null ? OptionalDouble.empty() : OptionalDouble.of(scale)));
  }
}
