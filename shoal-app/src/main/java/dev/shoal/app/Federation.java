package dev.shoal.app;

import dev.shoal.contribution.Contributions;
import dev.shoal.contribution.GtgShapley;
import dev.shoal.contribution.UtilityMeasure;
import dev.shoal.data.Task;
import dev.shoal.privacy.DifferentiallyPrivate;
import dev.shoal.privacy.DpConfig;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.SecureRound;
import dev.shoal.strategy.Sampling;
import dev.shoal.strategy.Strategies;
import dev.shoal.strategy.Strategy;
import dev.shoal.strategy.StrategyConfigurationException;
import dev.shoal.strategy.StrategyContext;
import java.util.Optional;

/**
 * How a run learns, in one place for simulation and the coordinator: the strategy chosen from the
 * registry, wrapped in differential privacy when asked, and secure aggregation on the engine when
 * asked. Built before anything is written, so settings that break a guarantee stop the run before
 * it starts.
 */
record Federation(Strategy strategy, Optional<SecureRound> secure) {

  static Federation of(TrainingSpec training, FederationSpec federation) {
    return new Federation(strategy(training, federation), secureRound(federation));
  }

  /**
   * The engine with the run's secure aggregation, if any, or else (without DP) its contribution
   * scores: by accuracy when the {@code task} has classes, by the negative loss for regression.
   */
  RoundEngine apply(RoundEngine engine, FederationSpec federation, long seed, Task task) {
    secure.ifPresent(engine::withSecureAggregation);
    federation.maxExamplesPerNode().ifPresent(engine::withExampleCap);
    engine.withUpdateEncoding(federation.privacy().encoding());
    Provenance p = federation.provenance();
    // scores of single updates would reveal what secure aggregation hides and DP bounds
    if (secure.isEmpty() && federation.privacy().differentialPrivacy().isEmpty()) {
      p.contributions().ifPresent(method -> engine.withContributions(
          new Contributions(method, p.rewardBudget(), GtgShapley.quick(seed)),
          task.hasClasses() ? UtilityMeasure.ACCURACY : UtilityMeasure.NEGATIVE_LOSS));
    }
    return engine;
  }

  private static Strategy strategy(TrainingSpec t, FederationSpec f) {
    Privacy p = f.privacy();
    // under DP the wrapper samples, so the strategy instructs every client it is given (fraction 1);
    // min-clients stays, for the strategies whose conditions are checked against it
    StrategyContext context = p.differentialPrivacy().isPresent()
        ? new StrategyContext(t.fit(), 1.0, f.minClients(), f.fractionEvaluate())
        : new StrategyContext(t.fit(), f.fraction(), f.minClients(), f.fractionEvaluate());
    try {
      Strategy s = Strategies.installed().create(f.strategy().name(), context, f.strategy().strategyParameters());
      if (p.differentialPrivacy().isPresent()) {
        var d = p.differentialPrivacy().get();
        if (d.adaptive() && d.clipCountNoise().isEmpty() && f.nodes().isEmpty()) {
          throw new UserError("--dp-adaptive-clip: the count noise defaults to the expected clients per round / 20,"
              + " and the federation's size is not known; give --nodes N or --dp-clip-count-noise SIGMA");
        }
        DpConfig dp = d.config(p.secureAggregation().isPresent(), f.fraction(), f.fraction() * f.nodes().orElse(0));
        s = new DifferentiallyPrivate(s, dp);
      }
      if (p.secureAggregation().isPresent() && !s.foldsSums()) {
        throw new UserError("--secagg: secure aggregation reveals only the sum of the updates, and strategy '"
            + f.strategy().name() + "' needs more than their sum");
      }
      return s;
    } catch (StrategyConfigurationException e) {
      throw new UsageError(e.getMessage(), e);
    }
  }

  /** Secure aggregation, its parameters checked against the clients a round expects when the federation's size is known. */
  private static Optional<SecureRound> secureRound(FederationSpec f) {
    if (f.privacy().secureAggregation().isEmpty()) {
      return Optional.empty();
    }
    var s = f.privacy().secureAggregation().get();
    var settings = new SecureRound.Settings(s.degree(), s.threshold(), s.bits(), s.clip(), s.maxExamples());
    if (f.nodes().isPresent()) {
      int expected = Sampling.sampleSize(f.nodes().getAsInt(), f.fraction(), f.minClients());
      try {
        settings.params(expected).check(expected);
      } catch (IllegalArgumentException e) {
        throw new UserError("secure aggregation with " + expected + " clients per round: " + e.getMessage());
      }
    }
    return Optional.of(new SecureRound(settings));
  }
}
