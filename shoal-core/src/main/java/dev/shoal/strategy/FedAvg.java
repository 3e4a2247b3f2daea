package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Federated Averaging (McMahan et al., 2017): the new global model is the mean of the returned
 * client models, weighted by their example counts and normalised over the clients that
 * returned in that round.
 *
 * @param fit the local training configuration; each client gets its own derived seed
 * @param fractionFit share of available clients sampled for training each round
 * @param minFitClients sample at least this many (when available)
 * @param fractionEvaluate share of clients sampled for federated evaluation (0 for none)
 */
public record FedAvg(FitConfig fit, double fractionFit, int minFitClients, double fractionEvaluate)
    implements Strategy {

  public FedAvg {
    if (!(fractionFit > 0 && fractionFit <= 1)) {
      throw new IllegalArgumentException("fraction must be in (0, 1], got " + fractionFit);
    }
    if (!(fractionEvaluate >= 0 && fractionEvaluate <= 1)) {
      throw new IllegalArgumentException("fraction-evaluate must be in [0, 1], got " + fractionEvaluate);
    }
    if (minFitClients < 1) {
      throw new IllegalArgumentException("min-clients must be >= 1, got " + minFitClients);
    }
  }

  @Override
  public String name() {
    return "fedavg";
  }

  @Override
  public List<FitInstruction> configureFit(int round, ParameterSet global, List<String> available, SplittableRandom rng) {
    return Sampling.sample(available, fractionFit, minFitClients, rng).stream()
        .map(id -> new FitInstruction(id, round, global, clientConfig(fit, round, id)))
        .toList();
  }

  /**
   * What client {@code clientId} trains with in {@code round}: {@code fit} with the client's own
   * seed, derived from the run's. Peers of a serverless federation derive theirs alike, so that a
   * swarm trains as a coordinator's federation would.
   */
  public static FitConfig clientConfig(FitConfig fit, int round, String clientId) {
    // a relay derives its own nodes' seeds from the same base, so a tree trains as the flat set would
    return Relaying.seeded(fit, fit.seed()).withSeed(Seeds.derive(fit.seed(), round, clientId));
  }

  @Override
  public boolean foldsSums() {
    return true;
  }

  @Override
  public boolean foldsWeightedMean() {
    return true;
  }

  @Override
  public FitAggregation beginFit(int round, ParameterSet global) {
    WeightedSum sum = new WeightedSum(global);
    return new FitAggregation() {
      private ParameterSet result;

      @Override
      public void add(FitReply reply) {
        sum.add(reply.parameters(), reply.numExamples());
      }

      private int secureCount;

      @Override
      public void addSum(float[] vectorSum, List<String> contributors) {
        result = UpdateVector.applyMean(global, vectorSum, Metadata.forRound(global.metadata(), round), serverStep());
        secureCount = contributors.size();
      }

      @Override
      public int count() {
        return sum.count() + secureCount;
      }

      @Override
      public ParameterSet result() {
        if (result == null) {
          result = sum.mean(Metadata.forRound(global.metadata(), round));
        }
        return result;
      }
    };
  }

  @Override
  public List<String> configureEvaluate(int round, List<String> available, SplittableRandom rng) {
    return Sampling.sample(available, fractionEvaluate, 1, rng);
  }

  /** Registers FedAvg as {@code fedavg}; it takes no parameters of its own. */
  public static final class Factory implements StrategyFactory {
    @Override
    public String name() {
      return "fedavg";
    }

    @Override
    public String summary() {
      return "Federated Averaging: the example-weighted mean of the returned models (McMahan et al. 2017)";
    }

    @Override
    public Strategy create(StrategyContext c, StrategyParameters parameters) {
      return new FedAvg(c.fit(), c.fraction(), c.minClients(), c.fractionEvaluate());
    }
  }
}
