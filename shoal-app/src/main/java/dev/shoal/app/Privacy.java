package dev.shoal.app;

import dev.shoal.encoding.UpdateEncoding;
import dev.shoal.privacy.Clipping;
import dev.shoal.privacy.Conversion;
import dev.shoal.privacy.DpConfig;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A run's outbound stages as the user asked for them: secure aggregation, differential privacy,
 * and the encoding updates travel in.
 */
record Privacy(Optional<SecureAggregation> secureAggregation, Optional<DifferentialPrivacy> differentialPrivacy,
    UpdateEncoding encoding) {

  static final Privacy NONE = new Privacy(Optional.empty(), Optional.empty());

  Privacy(Optional<SecureAggregation> secureAggregation, Optional<DifferentialPrivacy> differentialPrivacy) {
    this(secureAggregation, differentialPrivacy, UpdateEncoding.FLOAT32);
  }

  Privacy {
    if (secureAggregation.isPresent() && !encoding.linear()) {
      throw new UserError("--encoding " + encoding.name() + " cannot go with --secagg: secure aggregation sums updates"
          + " in a linear encoding only, and of float32, fp16, bf16, int8 and topk only float32 is linear");
    }
  }

  /** {@code --secagg-*}; null degree, threshold or clip mean the protocol's defaults. */
  record SecureAggregation(Integer degree, Integer threshold, int bits, Double clip, long maxExamples) {}

  /** {@code --dp-*}. */
  record DifferentialPrivacy(double noiseMultiplier, double clip, boolean adaptive, double targetQuantile,
      double clipLearningRate, Optional<Double> clipCountNoise, DpConfig.Sampling sampling, double delta,
      Optional<Double> targetEpsilon, Conversion conversion) {

    /**
     * The strategy's configuration: central noise, or with secure aggregation each client's share.
     *
     * @param samplingRate the share of clients drawn per round
     * @param expectedClients clients a round expects, for the default count noise of adaptive clipping
     */
    DpConfig config(boolean distributed, double samplingRate, double expectedClients) {
      Clipping clipping = adaptive
          ? new Clipping.Adaptive(clip, targetQuantile, clipLearningRate,
              clipCountNoise.orElse(Math.max(expectedClients / 20, noiseMultiplier / 2 + 0.01)))
          : new Clipping.Fixed(clip);
      try {
        return new DpConfig(noiseMultiplier, clipping, sampling, samplingRate, delta,
            targetEpsilon.map(OptionalDouble::of).orElse(OptionalDouble.empty()), conversion,
            distributed ? DpConfig.Mode.DISTRIBUTED : DpConfig.Mode.CENTRAL);
      } catch (IllegalArgumentException e) {
        throw new UserError("differential privacy settings refused: " + e.getMessage());
      }
    }
  }

  /** The record's text as before it had an encoding (stored runs' legacy configuration text), the encoding after. */
  @Override
  public String toString() {
    return "Privacy[secureAggregation=" + secureAggregation + ", differentialPrivacy=" + differentialPrivacy
        + (encoding.linear() ? "" : ", encoding=" + encoding.name()) + "]";
  }

  /** One line for the console. */
  String describe() {
    StringBuilder s = new StringBuilder();
    secureAggregation.ifPresent(a -> s.append("secure aggregation (SecAgg+)"));
    differentialPrivacy.ifPresent(d -> s.append(s.isEmpty() ? "" : ", ")
        .append(secureAggregation.isPresent() ? "distributed" : "central")
        .append(" differential privacy (noise multiplier ").append(d.noiseMultiplier())
        .append(d.adaptive() ? ", adaptive clip from " : ", clip ").append(d.clip())
        .append(", delta ").append(d.delta()).append(')'));
    if (!encoding.linear()) {
      s.append(s.isEmpty() ? "" : ", ").append("updates encoded as ").append(encoding.name());
    }
    return s.isEmpty() ? "none" : s.toString();
  }
}
