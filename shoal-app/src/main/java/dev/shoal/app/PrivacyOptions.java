package dev.shoal.app;

import dev.shoal.encoding.UpdateEncoding;
import dev.shoal.privacy.Conversion;
import dev.shoal.privacy.DpConfig;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --secagg} and {@code --dp-*}: secure aggregation and differential privacy, for every
 * command that runs rounds. In a job file they may sit in a {@code privacy:} section (see {@link
 * JobFile}).
 */
final class PrivacyOptions {

  @Option(names = "--secagg", description = "Sum the updates with secure aggregation (SecAgg+): the coordinator sees only the sum.")
  boolean secagg;

  @Option(names = "--secagg-degree", paramLabel = "K", description = "Neighbours per client on the SecAgg+ graph (default: from the number of clients; clients - 1 is the original SecAgg).")
  Integer secaggDegree;

  @Option(names = "--secagg-threshold", paramLabel = "T", description = "Shares needed to recover a client's secrets, > K/2 and <= K (default: from the degree).")
  Integer secaggThreshold;

  @Option(names = "--secagg-bits", defaultValue = "32", paramLabel = "BITS", description = "The sum is taken mod 2^BITS (default: ${DEFAULT-VALUE}).")
  int secaggBits;

  @Option(names = "--secagg-clip", paramLabel = "C", description = "Each value a client adds is clipped to [-C, C] before quantization (default: the protocol's).")
  Double secaggClip;

  @Option(names = "--secagg-max-examples", defaultValue = "10000", paramLabel = "N", description = "The example count that weighs 1 in a secure sum; larger counts are capped (default: ${DEFAULT-VALUE}).")
  long secaggMaxExamples;

  @Option(names = "--dp-noise-multiplier", paramLabel = "Z", description = "Turns differential privacy on: Gaussian noise of Z times the clip norm on the sum (central, or shared among clients with --secagg).")
  Double dpNoiseMultiplier;

  @Option(names = "--dp-clip", defaultValue = "1.0", paramLabel = "S", description = "L2 bound on each client's change to the model; the initial bound with --dp-adaptive-clip (default: ${DEFAULT-VALUE}).")
  double dpClip;

  @Option(names = "--dp-adaptive-clip", description = "Adapt the clip norm towards a quantile of the update norms (Andrew et al. 2019).")
  boolean dpAdaptiveClip;

  @Option(names = "--dp-target-quantile", defaultValue = "0.5", description = "With --dp-adaptive-clip: the share of updates left unclipped (default: ${DEFAULT-VALUE}).")
  double dpTargetQuantile;

  @Option(names = "--dp-clip-learning-rate", defaultValue = "0.2", description = "With --dp-adaptive-clip: the geometric step of the clip norm (default: ${DEFAULT-VALUE}).")
  double dpClipLearningRate;

  @Option(names = "--dp-clip-count-noise", paramLabel = "SIGMA", description = "With --dp-adaptive-clip: noise multiplier on the count of unclipped updates (default: expected clients / 20).")
  Double dpClipCountNoise;

  @Option(names = "--dp-sampling", defaultValue = "fixed", paramLabel = "fixed|poisson", description = "fixed: --fraction of the clients each round; poisson: each client independently with probability --fraction (default: ${DEFAULT-VALUE}).")
  String dpSampling;

  private DpConfig.Sampling sampling() {
    return switch (dpSampling) {
      case "fixed" -> DpConfig.Sampling.FIXED;
      case "poisson" -> DpConfig.Sampling.POISSON;
      default -> throw new UserError("dp-sampling must be fixed or poisson, got '" + dpSampling + "'");
    };
  }

  @Option(names = "--dp-delta", defaultValue = "1e-5", description = "The delta of the (epsilon, delta) guarantee (default: ${DEFAULT-VALUE}).")
  double dpDelta;

  @Option(names = "--dp-target-epsilon", paramLabel = "EPS", description = "Stop the run before a round would spend more than this epsilon.")
  Double dpTargetEpsilon;

  @Option(names = "--dp-conversion", defaultValue = "balle", paramLabel = "balle|classic", converter = PrivacyCommand.ConversionName.class,
      description = "RDP to (epsilon, delta) conversion: balle (Balle et al. 2020) or classic (Mironov 2017) (default: ${DEFAULT-VALUE}).")
  Conversion dpConversion;

  @Option(names = "--encoding", defaultValue = "float32", paramLabel = "float32|fp16|bf16|int8|topk:F",
      description = "How updates travel to the coordinator: float32 parameters, or the change to the global model as fp16, bf16,"
          + " int8 (stochastic, per-tensor scale) or its top F share by magnitude with error feedback (e.g. topk:0.01);"
          + " only float32 goes with --secagg (default: ${DEFAULT-VALUE}).")
  String encoding;

  Privacy resolve() {
    if (secaggMaxExamples < 1) {
      throw new UserError("secagg-max-examples must be >= 1, got " + secaggMaxExamples);
    }
    Optional<Privacy.SecureAggregation> secure = secagg
        ? Optional.of(new Privacy.SecureAggregation(secaggDegree, secaggThreshold, secaggBits, secaggClip,
            secaggMaxExamples))
        : Optional.empty();
    Optional<Privacy.DifferentialPrivacy> dp = dpNoiseMultiplier == null
        ? Optional.empty()
        : Optional.of(new Privacy.DifferentialPrivacy(dpNoiseMultiplier, dpClip, dpAdaptiveClip, dpTargetQuantile,
            dpClipLearningRate, Optional.ofNullable(dpClipCountNoise), sampling(), dpDelta,
            Optional.ofNullable(dpTargetEpsilon), dpConversion));
    UpdateEncoding e;
    try {
      e = UpdateEncoding.parse(encoding);
    } catch (IllegalArgumentException x) {
      throw new UserError("--encoding: " + x.getMessage());
    }
    return new Privacy(secure, dp, e);
  }
}
