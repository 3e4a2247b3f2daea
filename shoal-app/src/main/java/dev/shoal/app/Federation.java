package dev.shoal.app;

import dev.shoal.contribution.Contributions;
import dev.shoal.contribution.GtgShapley;
import dev.shoal.contribution.UtilityMeasure;
import dev.shoal.privacy.DpConfig;
import dev.shoal.privacy.DpFedAvg;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.SecureRound;
import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.Strategy;
import dev.shoal.train.FitConfig;
import java.util.Optional;

/**
 * How a job learns, in one place for simulation and the coordinator: its strategy, with
 * differential privacy when asked, and secure aggregation on the engine when asked. Built before
 * anything is written, so settings that break a guarantee stop the run before it starts.
 */
record Federation(Strategy strategy, Optional<SecureRound> secure) {

  static Federation of(Job job) {
    return new Federation(strategy(job), secureRound(job));
  }

  /** The engine with the job's secure aggregation, if any, or else (without DP) its contribution scores. */
  RoundEngine apply(RoundEngine engine, Job job) {
    secure.ifPresent(engine::withSecureAggregation);
    engine.withUpdateEncoding(job.privacy().encoding());
    Provenance p = job.provenance();
    // scores of single updates would reveal what secure aggregation hides and DP bounds
    if (secure.isEmpty() && job.privacy().differentialPrivacy().isEmpty()) {
      p.contributions().ifPresent(method -> engine.withContributions(
          new Contributions(method, p.rewardBudget(), GtgShapley.quick(job.seed())), UtilityMeasure.ACCURACY));
    }
    return engine;
  }

  private static Strategy strategy(Job job) {
    FitConfig fit = new FitConfig(job.localEpochs(), job.batchSize(), job.lr(), job.seed());
    Privacy p = job.privacy();
    if (p.differentialPrivacy().isPresent()) {
      DpConfig dp = p.differentialPrivacy().get().config(
          p.secureAggregation().isPresent(), job.fraction(), job.fraction() * job.clients());
      return new DpFedAvg(fit, job.fractionEvaluate(), dp);
    }
    return new FedAvg(fit, job.fraction(), job.minClients(), job.fractionEvaluate());
  }

  /** Secure aggregation, its parameters checked against the clients a round expects. */
  private static Optional<SecureRound> secureRound(Job job) {
    if (job.privacy().secureAggregation().isEmpty()) {
      return Optional.empty();
    }
    var s = job.privacy().secureAggregation().get();
    var settings = new SecureRound.Settings(s.degree(), s.threshold(), s.bits(), s.clip(), s.maxExamples());
    int expected = (int) Math.max(job.minClients(), Math.ceil(job.fraction() * job.clients()));
    try {
      settings.params(expected).check(expected);
      return Optional.of(new SecureRound(settings));
    } catch (IllegalArgumentException e) {
      throw new UserError("secure aggregation with " + expected + " clients per round: " + e.getMessage());
    }
  }
}
