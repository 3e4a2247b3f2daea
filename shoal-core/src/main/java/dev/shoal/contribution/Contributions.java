package dev.shoal.contribution;

import dev.shoal.train.CentralEvaluator;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Seeds;
import dev.shoal.tensor.ParameterSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores each round's participants and splits the round's reward budget among them: build one
 * {@link Utility} over the round's updates, run the chosen method(s) on it, split the budget with
 * {@link RewardSplit}.
 */
public final class Contributions {

  private static final Logger log = LoggerFactory.getLogger(Contributions.class);

  private final Method method;
  private final RewardSplit split;
  private final GtgShapley gtg;

  /**
   * @param method what to compute each round
   * @param rewardBudget the reward split among each round's participants (see {@link RewardSplit})
   * @param gtg GTG-Shapley settings; its seed is combined with the round number, so each round
   *     samples differently and repeatably
   */
  public Contributions(Method method, double rewardBudget, GtgShapley gtg) {
    this.method = Objects.requireNonNull(method, "method");
    this.split = RewardSplit.of(rewardBudget);
    this.gtg = Objects.requireNonNull(gtg, "gtg");
  }

  /** With {@link GtgShapley#defaults(long)} seeded by {@code seed}. */
  public Contributions(Method method, double rewardBudget, long seed) {
    this(method, rewardBudget, GtgShapley.defaults(seed));
  }

  /**
   * Scores the updates of one round.
   *
   * @param global the model the round started from (the value of the empty coalition)
   * @param replies the participants' updates, in the order FedAvg folded them
   * @param scorer the coordinator's score of a model; higher is better
   */
  public ContributionReport score(
      int round, ParameterSet global, List<FitReply> replies, ToDoubleFunction<ParameterSet> scorer) {
    Utility utility = Utility.ofAggregates(global, replies, scorer);
    Map<String, Double> loo = Map.of();
    Map<String, Double> shapley = Map.of();
    if (method != Method.GTG_SHAPLEY) {
      loo = byClient(replies, new LeaveOneOut().score(utility));
    }
    if (method != Method.LEAVE_ONE_OUT) {
      shapley = byClient(replies, gtg.withSeed(Seeds.derive(gtg.seed(), round, "contribution")).score(utility));
    }
    var rewards = split.split(shapley.isEmpty() ? loo : shapley);
    var report = new ContributionReport(round, method, loo, shapley, rewards, utility.evaluations());
    log.info("contributions round={} method={} participants={} evaluations={} budget={}",
        round, method, replies.size(), utility.evaluations(), split.budget().toPlainString());
    return report;
  }

  /** Scores with the coordinator's own evaluation, taking {@code measure} of it. */
  public ContributionReport score(
      int round, ParameterSet global, List<FitReply> replies, CentralEvaluator evaluator, UtilityMeasure measure) {
    return score(round, global, replies, measure.scorer(evaluator));
  }

  private static Map<String, Double> byClient(List<FitReply> replies, Scores scores) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < replies.size(); i++) {
      m.put(replies.get(i).clientId(), scores.get(i));
    }
    return m;
  }
}
