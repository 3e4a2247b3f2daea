package dev.shoal.strategy;

import dev.shoal.train.FitConfig;
import dev.shoal.train.Setting;
import dev.shoal.train.Settings;
import java.util.Optional;

/**
 * What a relay needs to know of its parent's round to run it among its own nodes, carried as
 * optional open settings of every fit instruction (a node that is not a relay ignores them): the
 * strategy's name, whether its fold may be split into subtrees ({@link
 * Strategy#foldsWeightedMean()}), and the seed each node's own seed is derived from, so that a
 * node trains with the seed it would get in a flat federation whichever relay it sits under.
 */
public final class Relaying {

  /** The parent's strategy, by name. */
  public static final String STRATEGY = "relay-strategy";
  /** Whether the parent's strategy folds a weighted mean, so a relay may pre-fold its subtree. */
  public static final String FOLD = "relay-fold";
  /** The seed every node's training seed is derived from, with the round and the node's name. */
  public static final String SEED = "relay-seed";
  /** The parent's round. */
  public static final String ROUND = "relay-round";

  /** Why a relay refuses a round under secure aggregation. */
  public static final String NO_SECURE_AGGREGATION = "secure aggregation cannot go through a relay yet: the"
      + " relay would have to unmask its subtree's sum to forward it, and so see it; per-subtree secure"
      + " aggregation, which would hide the sum from the relay too, is not built";

  private Relaying() {}

  /** {@code config} naming the round, {@code strategy} and whether its fold may be split into subtrees. */
  public static FitConfig stamp(FitConfig config, int round, Strategy strategy) {
    Settings s = config.settings()
        .with(ROUND, new Setting.Integer(round, false))
        .with(STRATEGY, new Setting.Text(strategy.name(), false))
        .with(FOLD, new Setting.Flag(strategy.foldsWeightedMean(), false));
    return config.withSettings(s);
  }

  /** {@code config} carrying {@code seed}, the base of every node's seed. */
  static FitConfig seeded(FitConfig config, long seed) {
    return config.withSettings(config.settings().with(SEED, new Setting.Integer(seed, false)));
  }

  /** Why a relay cannot forward a fit with this configuration, or empty when it can. */
  public static Optional<String> refusal(FitConfig config) {
    String strategy = config.settings().get(STRATEGY).map(v -> String.valueOf(v.value())).orElse(null);
    boolean folds = config.settings().get(FOLD).map(v -> Boolean.TRUE.equals(v.value())).orElse(false);
    if (strategy == null || config.settings().get(ROUND).isEmpty()) {
      return Optional.of("the parent did not say which strategy the round runs, so a relay cannot tell"
          + " whether its subtree may be folded into one update");
    }
    if (!folds || config.settings().get(SEED).isEmpty()) {
      return Optional.of("strategy '" + strategy + "' needs more of each node's update than the subtree's"
          + " example-weighted mean, so it cannot go through a relay; use fedavg, fedprox or a server"
          + " optimiser (fedavgm, fedadam, fedyogi, fedadagrad)");
    }
    return Optional.empty();
  }

  /** The parent's round, as {@link #stamp} recorded it. */
  public static int round(FitConfig config) {
    return (int) integer(config, ROUND);
  }

  private static long integer(FitConfig config, String key) {
    return switch (config.settings().get(key).orElse(null)) {
      case Setting.Integer i -> i.integer();
      case null -> throw new IllegalArgumentException("the configuration has no " + key + " setting");
      default -> throw new IllegalArgumentException("setting " + key + " is not an integer");
    };
  }

  /**
   * The configuration {@code node} gets under a relay in {@code round}: the parent's, with the
   * node's own seed derived as the parent's strategy would derive it.
   */
  public static FitConfig forNode(FitConfig config, int round, String node) {
    return config.withSeed(Seeds.derive(integer(config, SEED), round, node));
  }
}
