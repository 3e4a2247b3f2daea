/**
 * How much each participant contributed to a round, and its share of the round's reward.
 *
 * <p>The worth of a coalition S of a round's participants is the coordinator's score (accuracy by
 * default, or negative loss; see {@link dev.shoal.contribution.UtilityMeasure}) of FedAvg's aggregate
 * of S, the example-weighted mean of their models; the empty coalition is worth the score of the
 * round's global model ({@link dev.shoal.contribution.Utility}). From that utility:
 *
 * <ul>
 *   <li>{@link dev.shoal.contribution.LeaveOneOut}: v(N) − v(N ∖ {i}), n + 1 evaluations;
 *   <li>{@link dev.shoal.contribution.GtgShapley}: a truncated, guided Monte Carlo estimate of the
 *       Shapley value, usually far fewer evaluations than the 2ⁿ of
 *       {@link dev.shoal.contribution.ExactShapley};
 *   <li>{@link dev.shoal.contribution.RewardSplit}: a budget split in proportion to the positive
 *       scores, in exact micro-units.
 * </ul>
 *
 * {@link dev.shoal.contribution.Contributions} runs them for one round and returns a
 * {@link dev.shoal.contribution.ContributionReport}.
 *
 * <h2>Limits</h2>
 *
 * <ul>
 *   <li>It needs each participant's update. With secure aggregation the coordinator only ever sees
 *       the sum, so contributions cannot be scored; a reply without parameters is refused.
 *   <li>The utility is measured on the coordinator's own validation data. Participants whose data
 *       the coordinator's data does not represent are valued low, however good their data is.
 *   <li>The cost is the number of evaluations times the time of one evaluation of a model on that
 *       data; each {@link dev.shoal.contribution.ContributionReport} records the evaluations.
 *   <li>Scores are per round; what a participant earns over a run is the caller's to add up.
 * </ul>
 */
package dev.shoal.contribution;
