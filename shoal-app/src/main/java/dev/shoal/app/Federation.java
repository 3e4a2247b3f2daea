package dev.shoal.app;

import dev.shoal.privacy.DpConfig;
import dev.shoal.privacy.DpFedAvg;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.SecureRound;
import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.Strategy;
import dev.shoal.train.FitConfig;

/**
 * How a job learns, in one place for simulation and the coordinator: its strategy, with
 * differential privacy when asked, and secure aggregation on the engine when asked.
 */
final class Federation {

  private Federation() {}

  static Strategy strategy(Job job) {
    FitConfig fit = new FitConfig(job.localEpochs(), job.batchSize(), job.lr(), job.seed());
    Privacy p = job.privacy();
    if (p.differentialPrivacy().isPresent()) {
      DpConfig dp = p.differentialPrivacy().get().config(
          p.secureAggregation().isPresent(), job.fraction(), job.fraction() * job.clients());
      return new DpFedAvg(fit, job.fractionEvaluate(), dp);
    }
    return new FedAvg(fit, job.fraction(), job.minClients(), job.fractionEvaluate());
  }

  /**
   * The engine with the job's secure aggregation, if any; its parameters are checked up front
   * against the clients a round expects, so a bad degree or threshold stops the run before it starts.
   */
  static RoundEngine secure(RoundEngine engine, Job job) {
    if (job.privacy().secureAggregation().isEmpty()) {
      return engine;
    }
    var s = job.privacy().secureAggregation().get();
    var settings = new SecureRound.Settings(s.degree(), s.threshold(), s.bits(), s.clip(), s.maxExamples());
    int expected = (int) Math.max(job.minClients(), Math.ceil(job.fraction() * job.clients()));
    try {
      settings.params(expected).check(expected);
      return engine.withSecureAggregation(new SecureRound(settings));
    } catch (IllegalArgumentException e) {
      throw new UserError("secure aggregation with " + expected + " clients per round: " + e.getMessage());
    }
  }
}
