package dev.shoal.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.privacy.DpConfig.Mode;
import dev.shoal.privacy.DpConfig.Sampling;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class DpConfigTest {

  static DpConfig config(double z, Clipping clipping, Sampling sampling, double q, Mode mode) {
    return new DpConfig(z, clipping, sampling, q, 1e-5, OptionalDouble.empty(), Conversion.BALLE, mode);
  }

  static final Clipping FIXED_1 = new Clipping.Fixed(1);

  @Test
  void badValuesAreRefusedNamingTheFieldAndWhatIsAllowed() {
    assertThatThrownBy(() -> config(-1, FIXED_1, Sampling.POISSON, 0.1, Mode.CENTRAL))
        .hasMessage("noiseMultiplier must be a finite number ≥ 0, got -1.0");
    assertThatThrownBy(() -> config(Double.NaN, FIXED_1, Sampling.POISSON, 0.1, Mode.CENTRAL))
        .hasMessage("noiseMultiplier must be a finite number ≥ 0, got NaN");
    assertThatThrownBy(() -> config(1, FIXED_1, Sampling.POISSON, 0, Mode.CENTRAL))
        .hasMessage("samplingRate must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> config(1, FIXED_1, Sampling.FIXED, 1.5, Mode.CENTRAL))
        .hasMessage("samplingRate must be in (0, 1], got 1.5");
    assertThatThrownBy(() -> new DpConfig(1, FIXED_1, Sampling.POISSON, 0.1, 1, OptionalDouble.empty(),
        Conversion.BALLE, Mode.CENTRAL)).hasMessage("delta must be in (0, 1), got 1.0");
    assertThatThrownBy(() -> new DpConfig(1, FIXED_1, Sampling.POISSON, 0.1, 1e-5, OptionalDouble.of(0),
        Conversion.BALLE, Mode.CENTRAL)).hasMessage("targetEpsilon must be a finite number > 0 when given, got 0.0");
    assertThatThrownBy(() -> new Clipping.Fixed(0)).hasMessage("clipNorm must be a finite number > 0, got 0.0");
    assertThatThrownBy(() -> new Clipping.Adaptive(-1, 0.5, 0.2, 1))
        .hasMessage("initialClipNorm must be a finite number > 0, got -1.0");
    assertThatThrownBy(() -> new Clipping.Adaptive(1, 1, 0.2, 1)).hasMessage("targetQuantile must be in (0, 1), got 1.0");
    assertThatThrownBy(() -> new Clipping.Adaptive(1, 0.5, 0, 1))
        .hasMessage("learningRate must be a finite number > 0, got 0.0");
    assertThatThrownBy(() -> new Clipping.Adaptive(1, 0.5, 0.2, -1))
        .hasMessage("countNoiseStddev must be a finite number ≥ 0, got -1.0");
  }

  @Test
  void adaptiveClippingNeedsCentralModeAndEnoughCountNoise() {
    assertThatThrownBy(() -> config(1, new Clipping.Adaptive(1, 0.5, 0.2, 5), Sampling.POISSON, 0.1, Mode.DISTRIBUTED))
        .hasMessage("clipping must be fixed in mode DISTRIBUTED, got adaptive: the coordinator never sees an update's norm");
    assertThatThrownBy(() -> config(1, new Clipping.Adaptive(1, 0.5, 0.2, 0.5), Sampling.POISSON, 0.1, Mode.CENTRAL))
        .hasMessage("countNoiseStddev must be > noiseMultiplier/2 = 0.5 with adaptive clipping, got 0.5 (Andrew et al., Theorem 1)");
    // Without noise there is no budget to share.
    assertThat(config(0, new Clipping.Adaptive(1, 0.5, 0.2, 0), Sampling.POISSON, 0.1, Mode.CENTRAL).sumNoiseMultiplier())
        .isZero();
  }

  @Test
  void theSumGetsTheMultiplierThatLeavesZForTheRoundAsAWhole() {
    assertThat(config(1.1, FIXED_1, Sampling.POISSON, 0.1, Mode.CENTRAL).sumNoiseMultiplier()).isEqualTo(1.1);
    DpConfig adaptive = config(1.0, new Clipping.Adaptive(1, 0.5, 0.2, 2.5), Sampling.POISSON, 0.1, Mode.CENTRAL);
    double zSum = adaptive.sumNoiseMultiplier();
    // (1 − 1/25)^(−1/2)
    assertThat(zSum).isCloseTo(1 / Math.sqrt(0.96), within(1e-12));
    // Andrew et al., Theorem 1: z = (z_Δ⁻² + (2σ_b)⁻²)^(−1/2).
    assertThat(Math.pow(Math.pow(zSum, -2) + Math.pow(5, -2), -0.5)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void expectedClientsAndClientShares() {
    assertThat(config(1, FIXED_1, Sampling.POISSON, 0.1, Mode.CENTRAL).expectedClients(25)).isCloseTo(2.5, within(1e-12));
    assertThat(config(1, FIXED_1, Sampling.FIXED, 0.1, Mode.CENTRAL).expectedClients(25)).isEqualTo(3);
    assertThat(config(1, FIXED_1, Sampling.FIXED, 0.1, Mode.CENTRAL).expectedClients(24)).isEqualTo(2);
    DpConfig d = config(2, new Clipping.Fixed(3), Sampling.FIXED, 1, Mode.DISTRIBUTED);
    // 16 shares of variance (2·3/4)² add up to (2·3)².
    assertThat(d.clientNoiseStddev(16)).isEqualTo(1.5);
  }

  @Test
  void epsilonIsTheAccountantsForRoundsStepsAtQAndZ() {
    DpConfig d = config(1.3, FIXED_1, Sampling.POISSON, 0.05, Mode.CENTRAL);
    for (int t : new int[] {1, 7, 100}) {
      assertThat(d.epsilonAfter(t)).isEqualTo(new RdpAccountant().steps(0.05, 1.3, t).epsilon(1e-5, Conversion.BALLE));
    }
    assertThat(d.epsilonAfter(0).epsilon()).isZero();
    assertThat(config(0, FIXED_1, Sampling.POISSON, 0.05, Mode.CENTRAL).epsilonAfter(1).epsilon()).isInfinite();
  }
}
