package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.privacy.Conversion;
import dev.shoal.privacy.DifferentiallyPrivate;
import dev.shoal.privacy.DpConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** How a run's specs become its strategy: the registry, DP around it, secure aggregation sized by the real federation. */
class FederationTest {

  static final TrainingSpec TRAINING = new TrainingSpec("mlp", 1, 10, 0.1, 1);

  static FederationSpec spec(StrategyChoice strategy, Privacy privacy, OptionalInt nodes) {
    return new FederationSpec(3, 0.5, 2, 0.0, Duration.ofMinutes(1), strategy, privacy, Provenance.DEFAULT,
        Optional.empty(), nodes);
  }

  static Privacy adaptiveDp(Optional<Double> countNoise) {
    return new Privacy(Optional.empty(), Optional.of(new Privacy.DifferentialPrivacy(1.0, 1.0, true, 0.5, 0.2,
        countNoise, DpConfig.Sampling.FIXED, 1e-5, Optional.empty(), Conversion.BALLE)));
  }

  @Test
  void theStrategyComesFromTheRegistryByName() {
    assertThat(Federation.of(TRAINING, spec(StrategyChoice.DEFAULT, Privacy.NONE, OptionalInt.empty())).strategy().name())
        .isEqualTo("fedavg");
    assertThatThrownBy(() -> Federation.of(TRAINING, spec(new StrategyChoice("nope", Map.of()), Privacy.NONE,
        OptionalInt.empty())))
        .isInstanceOf(UserError.class).hasMessageStartingWith("unknown strategy 'nope'");
  }

  @Test
  void adaptiveClippingNeedsTheFederationsSizeNotMinClients() {
    assertThatThrownBy(() -> Federation.of(TRAINING, spec(StrategyChoice.DEFAULT, adaptiveDp(Optional.empty()),
        OptionalInt.empty())))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("give --nodes N or --dp-clip-count-noise SIGMA");
    var dp = (DifferentiallyPrivate) Federation.of(TRAINING,
        spec(StrategyChoice.DEFAULT, adaptiveDp(Optional.empty()), OptionalInt.of(400))).strategy();
    // expected clients 0.5 × 400 = 200: the default count noise is 200 / 20
    assertThat(((dev.shoal.privacy.Clipping.Adaptive) dp.config().clipping()).countNoiseStddev()).isEqualTo(10.0);
    assertThat(Federation.of(TRAINING, spec(StrategyChoice.DEFAULT, adaptiveDp(Optional.of(3.0)), OptionalInt.empty()))
        .strategy().name()).isEqualTo("dp-fedavg");
  }

  @Test
  void secureAggregationIsCheckedAgainstTheClientsARoundSamplesWhenTheSizeIsKnown() {
    Privacy secagg = new Privacy(Optional.of(new Privacy.SecureAggregation(null, null, 32, null, 10000)), Optional.empty());
    // 0.5 × 4 nodes = 2 clients a round: too few for the protocol
    assertThatThrownBy(() -> Federation.of(TRAINING, spec(StrategyChoice.DEFAULT, secagg, OptionalInt.of(4))))
        .isInstanceOf(UserError.class).hasMessageStartingWith("secure aggregation with 2 clients per round: ");
    assertThat(Federation.of(TRAINING, spec(StrategyChoice.DEFAULT, secagg, OptionalInt.of(20))).secure()).isPresent();
    // unknown size: each round checks the clients it sampled
    assertThat(Federation.of(TRAINING, spec(StrategyChoice.DEFAULT, secagg, OptionalInt.empty())).secure()).isPresent();
  }
}
