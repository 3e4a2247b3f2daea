package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The common part of the Byzantine-robust strategies: FedAvg's sampling, and an aggregate that
 * holds the round's updates (not their contents: see {@link HeldUpdates}) until the round's
 * replies are in, then applies the strategy's rule. The rule ignores the clients' example counts,
 * which are only claims. These strategies need each update, so they do not fold sums and cannot
 * run under secure aggregation or differential privacy.
 */
public abstract class RobustStrategy implements Strategy {

  private final FedAvg sampling;

  protected RobustStrategy(StrategyContext context) {
    this.sampling = new FedAvg(context.fit(), context.fraction(), context.minClients(), context.fractionEvaluate());
  }

  /** Why the rule cannot take {@code n} updates (its theorem's condition), or empty when it can. */
  protected abstract Optional<String> violated(int n);

  /** The rule applied to at least one update for which {@link #violated} is empty. */
  protected abstract ParameterSet aggregate(HeldUpdates updates, ParameterSet global, Map<String, String> metadata);

  @Override
  public final List<FitInstruction> configureFit(int round, ParameterSet global, List<String> available,
      SplittableRandom rng) {
    return sampling.configureFit(round, global, available, rng);
  }

  @Override
  public final List<String> configureEvaluate(int round, List<String> available, SplittableRandom rng) {
    return sampling.configureEvaluate(round, available, rng);
  }

  @Override
  public final FitAggregation beginFit(int round, ParameterSet global) {
    return new RobustAggregation(this, round, global);
  }

  /**
   * Refuses a configuration whose smallest round could break the condition: a round is aggregated
   * only with at least {@code min-clients} updates, so {@code min-clients} must meet it.
   */
  static void requireMinClients(StrategyContext context, StrategyParameters parameters, int needed, String condition) {
    if (context.minClients() < needed) {
      throw parameters.refuse("needs %s updates per round, so min-clients must be at least %d, got %d"
          .formatted(condition, needed, context.minClients()));
    }
  }

  /** Holds the replies and applies the rule in {@link #result()}. */
  private static final class RobustAggregation implements FitAggregation {
    private final RobustStrategy rule;
    private final int round;
    private final ParameterSet global;
    private final List<FitReply> held = new java.util.ArrayList<>();
    private ParameterSet result;

    RobustAggregation(RobustStrategy rule, int round, ParameterSet global) {
      this.rule = rule;
      this.round = round;
      this.global = global;
    }

    @Override
    public void add(FitReply reply) {
      held.add(reply);
    }

    @Override
    public int count() {
      return held.size();
    }

    @Override
    public Optional<String> refusal() {
      return rule.violated(held.size()).map(v -> "strategy '%s' cannot aggregate %d updates: %s"
          .formatted(rule.name(), held.size(), v));
    }

    @Override
    public ParameterSet result() {
      if (result == null) {
        refusal().ifPresent(r -> {
          throw new IllegalStateException(r);
        });
        if (held.isEmpty()) {
          throw new IllegalStateException("no update to aggregate in round " + round);
        }
        // in client order, whatever order the replies came in, so a tie is always broken the same way
        held.sort(java.util.Comparator.comparing(FitReply::clientId));
        result = rule.aggregate(new HeldUpdates(global.names(), held.stream().map(FitReply::parameters).toList()), global,
            Metadata.forRound(global.metadata(), round));
      }
      return result;
    }
  }
}
