package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The common part of the Byzantine-robust strategies: FedAvg's sampling, and an aggregate that
 * holds the round's updates (not their contents: see {@link HeldUpdates}) until the round's
 * replies are in, then applies the strategy's rule. The rule ignores the clients' example counts,
 * which are only claims. These strategies need each update, so they do not fold sums and cannot
 * run under secure aggregation or differential privacy.
 *
 * <p>Every robust strategy takes the parameter {@code nnm=F}: the rule is then applied to the
 * updates after nearest-neighbour mixing for F Byzantine updates ({@link HeldUpdates#mixed}),
 * which needs n > 2F. 0, the default, applies the rule to the updates as they are. And {@code
 * momentum=β} (with {@code server-lr=η}) takes the rule's result as the round's update Δ through
 * server momentum ({@link MomentumStep}: u ← β·u + Δ, x ← x + η·u); 0, the default, adds Δ as it is.
 * And {@code min-change=ρ} sets aside, before mixing and the rule, the updates that moved the model
 * less than ρ times the round's median change ({@link FreeRiders}), each counted as one of the f
 * Byzantine updates of the mixing and of the rule.
 */
public abstract class RobustStrategy implements Strategy {

  private static final Logger log = LoggerFactory.getLogger(RobustStrategy.class);

  private final FedAvg sampling;
  private final int mixing;
  private final double minChange;
  /** Server momentum on the rule's result, or null to take the result as it is. */
  private final MomentumStep momentum;

  /** Reads the parameters every robust strategy takes: {@code nnm}, {@code momentum}, {@code server-lr}. */
  protected RobustStrategy(StrategyContext context, StrategyParameters parameters) {
    this.sampling = new FedAvg(context.fit(), context.fraction(), context.minClients(), context.fractionEvaluate());
    long f = parameters.integer("nnm", 0);
    if (f < 0 || f > 10_000) {
      throw parameters.refuse("nearest-neighbour mixing needs 0 <= nnm <= 10000, got nnm=" + f);
    }
    this.mixing = (int) f;
    this.minChange = FreeRiders.ratio(parameters);
    if (mixing > 0) {
      requireMinClients(context, parameters, 2 * mixing + 1, "n > 2f (nearest-neighbour mixing, f = nnm = %d)".formatted(mixing));
    }
    double beta = ServerOptimizedStrategy.between(parameters, "momentum", 0, 0, 1, false);
    double lr = ServerOptimizedStrategy.positive(parameters, "server-lr", 1);
    this.momentum = beta > 0 || lr != 1 ? new MomentumStep(lr, beta) : null;
  }

  /** Why the rule cannot take {@code n} updates (its theorem's condition), or empty when it can. */
  protected abstract Optional<String> violated(int n);

  /** {@link #violated} and the condition of the mixing, if any. */
  private Optional<String> refusal(int n) {
    if (mixing > 0 && n <= 2 * mixing) {
      return Optional.of("nearest-neighbour mixing needs n > 2f, and n=%d, nnm=%d".formatted(n, mixing));
    }
    return violated(n);
  }

  /**
   * The rule applied to at least one update, {@code setAside} updates fewer than {@link #violated}
   * was found empty for. Those were Byzantine, so a rule tolerating f takes max(0, f − setAside),
   * which keeps its condition.
   */
  protected abstract ParameterSet aggregate(HeldUpdates updates, int setAside, ParameterSet global,
      Map<String, String> metadata);

  @Override
  public final List<FitInstruction> configureFit(int round, ParameterSet global, List<String> available,
      SplittableRandom rng) {
    return sampling.configureFit(round, global, available, rng);
  }

  @Override
  public final List<String> configureEvaluate(int round, List<String> available, SplittableRandom rng) {
    return sampling.configureEvaluate(round, available, rng);
  }

  /** The server momentum's state, if it takes the rule's result through momentum. */
  @Override
  public final Optional<ParameterSet> serverState() {
    return momentum == null ? Optional.empty() : momentum.state();
  }

  @Override
  public final void restoreServerState(ParameterSet state) {
    if (momentum == null) {
      Strategy.super.restoreServerState(state);
    } else {
      momentum.restore(state);
    }
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

  /** {@code next − global} in {@link UpdateVector}'s layout, with weight 1. */
  private static float[] update(ParameterSet next, ParameterSet global) {
    float[] delta = new float[UpdateVector.length(global)];
    int k = 0;
    for (String name : global.names()) {
      float[] n = next.read(name).data();
      float[] g = global.read(name).data();
      for (int i = 0; i < g.length; i++) {
        delta[k++] = n[i] - g[i];
      }
    }
    delta[k] = 1;
    return delta;
  }

  /** Holds the replies and applies the rule in {@link #result()}. */
  private static final class RobustAggregation implements FitAggregation {
    private final RobustStrategy rule;
    private final int round;
    private final ParameterSet global;
    private final List<FitReply> held = new ArrayList<>();
    private ParameterSet result;
    private int setAside;

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
      return rule.refusal(held.size()).map(v -> "strategy '%s' cannot aggregate %d updates: %s"
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
        held.sort(Comparator.comparing(FitReply::clientId));
        HeldUpdates updates = new HeldUpdates(global.names(), held.stream().map(FitReply::parameters).toList());
        int[] kept = rule.minChange > 0 ? FreeRiders.kept(updates.squaredChanges(global), rule.minChange)
            : IntStream.range(0, held.size()).toArray();
        setAside = held.size() - kept.length;
        if (setAside > 0) {
          updates = updates.only(kept);
          log.info("free riders set aside round={} clients={} min_change={}", round, freeRiders(kept),
              rule.minChange);
        }
        Map<String, String> metadata = Metadata.forRound(global.metadata(), round);
        // mixing for no Byzantine update left is still mixing: each update becomes the mean of all
        HeldUpdates rows = rule.mixing > 0 ? updates.mixed(Math.max(0, rule.mixing - setAside)) : updates;
        result = rule.aggregate(rows, setAside, global, metadata);
        if (rule.momentum != null) {
          result = rule.momentum.apply(global, update(result, global), 1, metadata);
        }
      }
      return result;
    }

    /** With {@code min-change}, once aggregated: how many updates were set aside ({@code free_riders}). */
    @Override
    public Map<String, Double> metrics() {
      return rule.minChange > 0 && result != null ? Map.of("free_riders", (double) setAside) : Map.of();
    }

    /** The clients of the held replies not among {@code kept}. */
    private String freeRiders(int[] kept) {
      Set<Integer> keep = Arrays.stream(kept).boxed().collect(Collectors.toSet());
      return String.join(",", IntStream.range(0, held.size()).filter(i -> !keep.contains(i))
          .mapToObj(i -> held.get(i).clientId()).toList());
    }
  }
}
