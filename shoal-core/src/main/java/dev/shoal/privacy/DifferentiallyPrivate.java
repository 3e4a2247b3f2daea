package dev.shoal.privacy;

import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.Outbound;
import dev.shoal.strategy.Sampling;
import dev.shoal.strategy.EvaluateReply;
import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.StrategyConfigurationException;
import dev.shoal.strategy.Strategy;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client-level differential privacy around any strategy that folds sums: DP-FedAvg (McMahan,
 * Ramage, Talwar and Zhang, "Learning Differentially Private Recurrent Language Models", ICLR
 * 2018) when it wraps {@link FedAvg}. Each round samples clients as {@link DpConfig#sampling()}
 * says, has the wrapped strategy instruct them, clips their updates, sums them unweighted, adds
 * Gaussian noise and hands the sum over the expected number of clients to the wrapped strategy's
 * {@link Strategy#serverStep() server step} (see {@link DpAggregation}).
 *
 * <p>The wrapped strategy must instruct every client it is given: made with fraction 1, it leaves
 * the sampling, which the privacy accounting depends on, to this wrapper. Which clients are
 * sampled comes from the round's seeded generator; the noise comes from a {@link SecureRandom}.
 * The privacy spent after round t is t steps of the sampled Gaussian mechanism at (q, z), so a
 * resumed run accounts for the rounds before the restart. With a target ε the run stops before
 * the first round that would exceed it.
 *
 * <p>The wrapper remembers the expected number of clients between {@link #configureFit} and
 * {@link #beginFit} of a round, and carries an adaptive clip norm from round to round in the
 * global model's metadata ({@link #CLIP_NORM_METADATA}), so a resumed run continues with it.
 * Like the round engine that drives it, it is used from one thread at a time.
 */
public final class DifferentiallyPrivate implements Strategy {

  /** The metadata key under which a global model carries the next round's adaptive clip norm. */
  public static final String CLIP_NORM_METADATA = "dp_clip_norm";

  private static final Logger log = LoggerFactory.getLogger(DifferentiallyPrivate.class);

  private final Strategy inner;
  private final DpConfig dp;
  private final GaussianNoise noise;
  private int plannedRound = -1;
  private double plannedExpected;

  /**
   * @param inner the strategy whose server step takes the noised sum; it must fold sums and
   *     instruct every client it is given
   * @param dp the privacy configuration
   * @throws StrategyConfigurationException when {@code inner} does not fold sums
   */
  public DifferentiallyPrivate(Strategy inner, DpConfig dp) {
    this(inner, dp, GaussianNoise.secureRandom());
  }

  /** As {@link #DifferentiallyPrivate(Strategy, DpConfig)}, with the noise drawn from {@code noiseSource}. */
  public DifferentiallyPrivate(Strategy inner, DpConfig dp, SecureRandom noiseSource) {
    if (!inner.foldsSums()) {
      throw new StrategyConfigurationException("differential privacy needs a strategy whose aggregate is a function of"
          + " the sum of the updates; '" + inner.name() + "' is not");
    }
    this.inner = inner;
    this.dp = dp;
    this.noise = new GaussianNoise(noiseSource);
  }

  /** DP-FedAvg: FedAvg made to instruct every client this wrapper samples. */
  public static DifferentiallyPrivate fedAvg(FitConfig fit, double fractionEvaluate, DpConfig dp) {
    return new DifferentiallyPrivate(new FedAvg(fit, 1.0, 1, fractionEvaluate), dp);
  }

  /** As {@link #fedAvg(FitConfig, double, DpConfig)}, with the noise drawn from {@code noiseSource}. */
  public static DifferentiallyPrivate fedAvg(FitConfig fit, double fractionEvaluate, DpConfig dp,
      SecureRandom noiseSource) {
    return new DifferentiallyPrivate(new FedAvg(fit, 1.0, 1, fractionEvaluate), dp, noiseSource);
  }

  public DpConfig config() {
    return dp;
  }

  @Override
  public String name() {
    return "dp-" + inner.name();
  }

  /**
   * Poisson sampling keeps each available client with probability q; fixed sampling draws
   * round(q·N) of them. Records the round's expected number of clients for {@link #beginFit}.
   */
  @Override
  public List<FitInstruction> configureFit(int round, ParameterSet global, List<String> available, SplittableRandom rng) {
    List<String> chosen = switch (dp.sampling()) {
      case POISSON -> Sampling.poisson(available, dp.samplingRate(), rng);
      case FIXED -> Sampling.sampleExactly(available, (int) dp.expectedClients(available.size()), rng);
    };
    plannedRound = round;
    plannedExpected = dp.expectedClients(available.size());
    log.info("dp round sampled round={} sampling={} available={} sampled={} expected_clients={}",
        round, dp.sampling(), available.size(), chosen.size(), plannedExpected);
    Outbound outbound = dp.mode() == DpConfig.Mode.DISTRIBUTED
        ? new Outbound(false, 1, clipNorm(global), dp.clientNoiseStddev(plannedExpected))
        : Outbound.PLAIN;
    if (chosen.isEmpty()) {
      return List.of();
    }
    List<FitInstruction> instructions = inner.configureFit(round, global, chosen, rng);
    if (instructions.size() != chosen.size()) {
      throw new IllegalStateException("strategy '%s' instructed %d of the %d clients differential privacy sampled;"
          .formatted(inner.name(), instructions.size(), chosen.size()) + " it must be made with fraction 1");
    }
    return instructions.stream().map(i -> i.withOutbound(outbound)).toList();
  }

  /**
   * The round's aggregate; {@link #configureFit} must have planned this round.
   *
   * @throws IllegalStateException when it did not
   */
  @Override
  public DpAggregation beginFit(int round, ParameterSet global) {
    if (round != plannedRound) {
      throw new IllegalStateException(
          "round " + round + " was not sampled by this strategy (last sampled round: " + plannedRound + ")");
    }
    return new DpAggregation(dp, round, global, clipNorm(global), plannedExpected, noise, inner.serverStep());
  }

  /**
   * The clip norm of the round that starts from {@code global}: the fixed one, or the adaptive
   * one the model carries (the initial one when it carries none).
   */
  public double clipNorm(ParameterSet global) {
    if (!(dp.clipping() instanceof Clipping.Adaptive a)) {
      return dp.clipping().initialClipNorm();
    }
    return global.metadata(CLIP_NORM_METADATA).map(v -> {
      double c;
      try {
        c = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        c = Double.NaN;
      }
      if (!(c > 0) || Double.isInfinite(c)) {
        throw new IllegalArgumentException(
            "the global model's " + CLIP_NORM_METADATA + " must be a finite number > 0, got '" + v + "'");
      }
      return c;
    }).orElse(a.initialClipNorm());
  }

  /** The wrapped strategy's: its server step takes the noised sum. */
  @Override
  public Optional<ParameterSet> serverState() {
    return inner.serverState();
  }

  @Override
  public void restoreServerState(ParameterSet state) {
    inner.restoreServerState(state);
  }

  /** In distributed mode the clients clip and noise, and the round takes only their secure sum. */
  @Override
  public boolean foldsSums() {
    return dp.mode() == DpConfig.Mode.DISTRIBUTED;
  }

  @Override
  public List<String> configureEvaluate(int round, List<String> available, SplittableRandom rng) {
    return inner.configureEvaluate(round, available, rng);
  }

  @Override
  public Evaluation aggregateEvaluate(List<EvaluateReply> replies) {
    return inner.aggregateEvaluate(replies);
  }

  /** Stops before a round after which ε would exceed the target, if one is set. */
  @Override
  public Optional<String> stopBefore(int round) {
    if (dp.targetEpsilon().isEmpty()) {
      return inner.stopBefore(round);
    }
    double target = dp.targetEpsilon().getAsDouble();
    double after = dp.epsilonAfter(round).epsilon();
    if (after <= target) {
      return inner.stopBefore(round);
    }
    double sofar = dp.epsilonAfter(round - 1).epsilon();
    return Optional.of("privacy budget: epsilon after %d rounds is %.6g, round %d would take it to %.6g, above the target %s at delta %s"
        .formatted(round - 1, sofar, round, after, target, dp.delta()));
  }
}
