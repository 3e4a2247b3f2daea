package dev.shoal.app;

import dev.shoal.contribution.Method;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --ledger}, {@code --contribution} and {@code --reward-budget}: what a run records of who contributed what. */
final class LedgerOptions {

  @Option(names = "--ledger", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Keep a tamper-evident ledger of the run in DIR/ledger (default: on; --no-ledger turns it off).")
  boolean ledger;

  @Option(names = "--contribution", defaultValue = "loo", paramLabel = "loo|gtg|both|off",
      description = "Score each round's participants on the coordinator's test data: leave-one-out (one evaluation"
          + " per participant), GTG-Shapley (many more),"
          + " both, or off (default: ${DEFAULT-VALUE}; off with --secagg or --dp-*: scores of single updates would reveal what they protect).")
  String contribution;

  @Option(names = "--reward-budget", defaultValue = "100", paramLabel = "B",
      description = "Reward split among each round's participants by contribution (default: ${DEFAULT-VALUE}).")
  double rewardBudget;

  Provenance resolve() {
    Optional<Method> method = switch (contribution) {
      case "loo" -> Optional.of(Method.LEAVE_ONE_OUT);
      case "gtg" -> Optional.of(Method.GTG_SHAPLEY);
      case "both" -> Optional.of(Method.BOTH);
      case "off" -> Optional.empty();
      default -> throw new UserError("contribution must be loo, gtg, both or off, got '" + contribution + "'");
    };
    if (!(rewardBudget >= 0) || Double.isInfinite(rewardBudget)) {
      throw new UserError("reward-budget must be a finite number >= 0, got " + rewardBudget);
    }
    return new Provenance(ledger, method, rewardBudget);
  }
}
