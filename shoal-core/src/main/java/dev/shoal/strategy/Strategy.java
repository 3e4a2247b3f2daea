package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * How a federation learns: which clients train each round and with what configuration, and how
 * their replies become the next global model. One strategy per file; shared steps live in
 * {@link Sampling} and {@link WeightedMean}.
 */
public interface Strategy {

  /** A short name for logs and the ledger, e.g. {@code fedavg}. */
  String name();

  /**
   * Why the run must end before {@code round}, or empty to go on. The round engine asks before
   * every round; a reason ends the run normally with the rounds so far, the last global model
   * being the final one. A strategy with a privacy budget stops here before overspending it.
   */
  default Optional<String> stopBefore(int round) {
    return Optional.empty();
  }

  /** The fit instructions for this round, one per sampled client. */
  List<FitInstruction> configureFit(int round, ParameterSet global, List<String> available, SplittableRandom rng);

  /**
   * Whether the aggregate is a function of the sum of the clients' update vectors ({@link
   * UpdateVector}), so that secure aggregation can compute it; such a strategy's aggregation takes
   * {@link FitAggregation#addSum}.
   */
  default boolean foldsSums() {
    return false;
  }

  /**
   * Whether the aggregate depends on the replies only through their example-weighted mean and
   * total example count, so that a relay may fold a subtree's replies into one reply (their
   * weighted mean, weighing their total count) and the result is the same as with every reply on
   * its own. A strategy that weighs, clips, ranks or keeps each reply (robust rules, q-FedAvg,
   * SCAFFOLD, differential privacy) does not.
   */
  default boolean foldsWeightedMean() {
    return false;
  }

  /**
   * For a strategy that folds sums: how the round's summed update becomes the next global model.
   * Secure aggregation and differential privacy hand the sum to it. Federated averaging by default.
   */
  default ServerStep serverStep() {
    return ServerStep.ADD_MEAN;
  }

  /**
   * What this strategy carries from one round to the next on the server (server momentum, Adam's
   * moments, SCAFFOLD's control variate), as named tensors; empty when it carries nothing, or
   * nothing yet. A coordinator stores it with every committed round and hands it to {@link
   * #restoreServerState} when the run resumes, so a resumed run goes on as an uninterrupted one.
   */
  default Optional<ParameterSet> serverState() {
    return Optional.empty();
  }

  /** Goes on from {@code state}, which {@link #serverState} gave after an earlier round of the same run. */
  default void restoreServerState(ParameterSet state) {
    throw new IllegalStateException("strategy '" + name() + "' carries no state from round to round");
  }

  /** Starts the streaming aggregate for this round. */
  FitAggregation beginFit(int round, ParameterSet global);

  /** Which clients evaluate the new global model on their own data (empty for none). */
  List<String> configureEvaluate(int round, List<String> available, SplittableRandom rng);

  /** Combines the clients' evaluations into one. */
  default Evaluation aggregateEvaluate(List<EvaluateReply> replies) {
    return WeightedMean.ofEvaluations(replies.stream().map(EvaluateReply::evaluation).toList());
  }
}
