package dev.shoal.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClientNoiseTest {

  @Test
  void withoutNoiseItOnlyClipsACopy() {
    float[] delta = {3f, 4f};
    float[] out = ClientNoise.clipAndNoise(delta, 1, 0, GaussianNoise.secureRandom());
    assertThat(out[0]).isCloseTo(0.6f, within(1e-6f));
    assertThat(out[1]).isCloseTo(0.8f, within(1e-6f));
    assertThat(delta).containsExactly(3f, 4f);
  }

  @Test
  void theNoiseAroundTheClippedUpdateHasTheGivenStandardDeviation() {
    float[] delta = new float[100_000];
    delta[0] = 1000f;
    float[] out = ClientNoise.clipAndNoise(delta, 2, 0.5, GaussianNoise.secureRandom());
    double sumSq = 0;
    for (int i = 1; i < out.length; i++) {
      sumSq += (double) out[i] * out[i];
    }
    // σ̂/σ has standard error ≈ 0.0022; a 10% error in σ is far outside.
    assertThat(Math.sqrt(sumSq / (out.length - 1)) / 0.5).isCloseTo(1, within(0.03));
    assertThat(out[0]).isCloseTo(2f, within(4f)); // clipped to 2, plus noise of 0.5 (8σ)
  }

  @Test
  void aNegativeStddevIsRefused() {
    assertThatThrownBy(() -> ClientNoise.clipAndNoise(new float[1], 1, -1, GaussianNoise.secureRandom()))
        .hasMessage("noise stddev must be a finite number ≥ 0, got -1.0");
  }
}
