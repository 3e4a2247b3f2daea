package dev.shoal.app;

import dev.shoal.attack.AttackPlan;
import dev.shoal.attack.AttackedClients;
import dev.shoal.attack.AttackerCount;
import dev.shoal.data.FederatedData;
import dev.shoal.round.ClientPort;
import dev.shoal.round.InProcessClients;
import dev.shoal.round.RunListener;
import dev.shoal.train.Trainer;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulation's {@code --attack}: the attacking clients, named on the console and in the log,
 * wrapped around the in-process clients, and counted in each round's metrics.
 */
final class Attacks {

  private static final Logger log = LoggerFactory.getLogger(Attacks.class);

  private final Optional<AttackPlan> plan;
  private final long seed;

  private Attacks(Optional<AttackPlan> plan, long seed) {
    this.plan = plan;
    this.seed = seed;
  }

  static Attacks of(SimulationSpec sim, long seed, List<String> clients, PrintStream console) {
    Optional<AttackPlan> plan = sim.attack().map(a -> a.plan(clients, seed));
    plan.ifPresent(p -> {
      console.printf("attack: %s%n", p.describe());
      log.info("simulated attack attack={} scale={} attackers=\"{}\"", p.attack().label(), p.scale(),
          String.join(",", p.attackers()));
    });
    return new Attacks(plan, seed);
  }

  ClientPort clients(Trainer trainer, Map<String, FederatedData> data, int parallelism) {
    if (plan.isEmpty()) {
      return new InProcessClients(trainer, data, parallelism);
    }
    AttackPlan p = plan.get();
    var attacked = UserError.check(() -> AttackedClients.flipLabels(data, p));
    return new AttackedClients(new InProcessClients(trainer, attacked, parallelism), p, seed);
  }

  RunListener listener(RunListener next) {
    return plan.<RunListener>map(p -> new AttackerCount(p, next)).orElse(next);
  }
}
