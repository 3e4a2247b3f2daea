package dev.shoal.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

class UpdateClippingProperties {

  static float[] randomVector(long seed, int n, double scale) {
    var rng = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rng.nextGaussian() * scale);
    }
    return v;
  }

  @Property(tries = 300)
  void clippedNormIsAtMostCAndTheDirectionIsKept(
      @ForAll @IntRange(min = 1, max = 500) int n,
      @ForAll @DoubleRange(min = 1e-3, max = 100) @Scale(6) double scale,
      @ForAll @DoubleRange(min = 1e-3, max = 100) @Scale(6) double clip,
      @ForAll long seed) {
    float[] v = randomVector(seed, n, scale);
    float[] c = v.clone();
    double before = UpdateClipping.clipInPlace(c, clip);
    assertThat(before).isCloseTo(UpdateClipping.norm(v), within(1e-12));
    double after = UpdateClipping.norm(c);
    assertThat(after).isLessThanOrEqualTo(clip * (1 + 1e-6));
    if (before <= clip) {
      assertThat(c).containsExactly(v);
    } else {
      assertThat(after).isCloseTo(clip, within(clip * 1e-6));
      // Same direction: c = s·v with one s for all coordinates.
      double dot = 0;
      for (int i = 0; i < n; i++) {
        dot += (double) c[i] * v[i];
      }
      assertThat(dot / (after * before)).isCloseTo(1, within(1e-6));
    }
  }

  @Property(tries = 200)
  void scaleIsMinOfOneAndClipOverNorm(
      @ForAll @DoubleRange(min = 0, max = 1e6) @Scale(6) double norm, @ForAll @DoubleRange(min = 1e-6, max = 1e6) @Scale(8) double clip) {
    double s = UpdateClipping.scale(norm, clip);
    assertThat(s).isCloseTo(Math.min(1, clip / norm), within(1e-15));
    assertThat(s * norm).isLessThanOrEqualTo(clip * (1 + 1e-15));
  }

  @Example
  void theNormIsTakenOverAllTensorsJointlyFromTheGlobalModel() {
    var global = new ParameterSet(List.of(
        new Tensor("a", new int[] {1}, new float[] {1f}), new Tensor("b", new int[] {2}, new float[] {0f, 2f})));
    var model = new ParameterSet(List.of(
        new Tensor("b", new int[] {2}, new float[] {0f, 6f}), new Tensor("a", new int[] {1}, new float[] {4f})));
    // Δ = (3 | 0, 4): ‖Δ‖ = 5, in the global model's tensor order.
    assertThat(UpdateClipping.norm(global, model)).isEqualTo(5.0);
    assertThat(UpdateClipping.flatDelta(global, model)).containsExactly(3f, 0f, 4f);
  }
}
