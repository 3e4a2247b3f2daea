package dev.shoal.app;

import java.util.Optional;

/** A run's privacy stages as the user asked for them: secure aggregation and differential privacy. */
record Privacy(Optional<SecureAggregation> secureAggregation, Optional<DifferentialPrivacy> differentialPrivacy) {

  static final Privacy NONE = new Privacy(Optional.empty(), Optional.empty());

  /** {@code --secagg-*}; null degree, threshold or clip mean the protocol's defaults. */
  record SecureAggregation(Integer degree, Integer threshold, int bits, Double clip, long maxExamples) {}

  /** {@code --dp-*}. */
  record DifferentialPrivacy(double noiseMultiplier, double clip, boolean adaptive, double targetQuantile,
      double clipLearningRate, Optional<Double> clipCountNoise, String sampling, double delta,
      Optional<Double> targetEpsilon, String conversion) {}

  /** One line for the console. */
  String describe() {
    StringBuilder s = new StringBuilder();
    secureAggregation.ifPresent(a -> s.append("secure aggregation (SecAgg+)"));
    differentialPrivacy.ifPresent(d -> s.append(s.isEmpty() ? "" : ", ")
        .append(secureAggregation.isPresent() ? "distributed" : "central")
        .append(" differential privacy (noise multiplier ").append(d.noiseMultiplier())
        .append(d.adaptive() ? ", adaptive clip from " : ", clip ").append(d.clip())
        .append(", delta ").append(d.delta()).append(')'));
    return s.isEmpty() ? "none" : s.toString();
  }
}
