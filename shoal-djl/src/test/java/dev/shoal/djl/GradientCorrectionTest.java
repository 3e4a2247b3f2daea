package dev.shoal.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.shoal.data.Dataset;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import dev.shoal.train.Setting;
import dev.shoal.train.Settings;
import org.junit.jupiter.api.Test;

class GradientCorrectionTest {

  @Test
  void addsThePullTowardsTheAnchorAndTheShift() {
    DjlEngine.get();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray g = m.create(new float[] {0.1f, 0.2f});
      NDArray w = m.create(new float[] {1f, 2f});
      NDArray anchor = m.create(new float[] {0.5f, 3f});
      NDArray shift = m.create(new float[] {0.01f, -0.02f});
      // g + 0.5·(w − anchor) + shift = (0.1 + 0.25 + 0.01, 0.2 − 0.5 − 0.02)
      GradientCorrection.correct(g, w, anchor, 0.5f, shift);
      assertThat(g.toFloatArray()).containsExactly(new float[] {0.36f, -0.32f}, org.assertj.core.data.Offset.offset(1e-6f));
      // FedProx alone: no shift
      NDArray g2 = m.create(new float[] {0.1f, 0.2f});
      GradientCorrection.correct(g2, w, anchor, 2f, null);
      assertThat(g2.toFloatArray()).containsExactly(new float[] {1.1f, -1.8f}, org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @Test
  void theProximalTermKeepsTheModelNearerTheGlobalOneAndZeroChangesNothing() {
    DjlTrainer logreg = ModelZoo.standard().newTrainer("logreg");
    Dataset train = Stripes.of(200, 1);
    ParameterSet start = logreg.initialParameters(1);
    FitConfig plain = new FitConfig(1, 10, 0.1, 3);
    ParameterSet free = logreg.fit(start, train, plain).parameters();
    ParameterSet zero = logreg.fit(start, train,
        plain.withSettings(Settings.NONE.with("proximal-mu", new Setting.Number(0, true)))).parameters();
    ParameterSet pulled = logreg.fit(start, train,
        plain.withSettings(Settings.NONE.with("proximal-mu", new Setting.Number(1, true)))).parameters();
    assertThat(zero).isEqualTo(free);
    assertThat(distance(pulled, start)).isLessThan(0.9 * distance(free, start));
    assertThat(logreg.understoodSettings()).contains("proximal-mu");
  }

  @Test
  void aShiftMovesTheModelAgainstIt() {
    DjlTrainer logreg = ModelZoo.standard().newTrainer("logreg");
    Dataset train = Stripes.of(50, 1);
    ParameterSet start = logreg.initialParameters(1);
    FitConfig plain = new FitConfig(1, 10, 0.1, 3);
    ParameterSet free = logreg.fit(start, train, plain).parameters();
    // a shift of 0.5 in every coordinate: each of the 5 steps subtracts a further lr·0.5 = 0.05
    ParameterSet shift = new ParameterSet(start.tensors().stream()
        .map(t -> new Tensor(t.name(), t.shape(), filled(t.data().length, 0.5f))).toList());
    ParameterSet shifted = logreg.fit(start, train, plain, shift).parameters();
    float[] a = free.tensors().get(0).data();
    float[] b = shifted.tensors().get(0).data();
    double meanDrop = 0;
    for (int i = 0; i < a.length; i++) {
      meanDrop += (a[i] - b[i]) / a.length;
    }
    assertThat(meanDrop).isBetween(0.2, 0.3);
  }

  @Test
  void reportsTheLossAtTheReceivedModelWhenAskedForIt() {
    DjlTrainer logreg = ModelZoo.standard().newTrainer("logreg");
    Dataset train = Stripes.of(50, 1);
    ParameterSet start = logreg.initialParameters(1);
    FitConfig asked = new FitConfig(1, 10, 0.1, 3)
        .withSettings(Settings.NONE.with("report-start-loss", new Setting.Flag(true, true)));
    assertThat(logreg.fit(start, train, asked).metrics().get("start_loss"))
        .isCloseTo(logreg.evaluate(start, train).loss(), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(logreg.fit(start, train, new FitConfig(1, 10, 0.1, 3)).metrics()).doesNotContainKey("start_loss");
  }

  private static float[] filled(int n, float v) {
    float[] f = new float[n];
    java.util.Arrays.fill(f, v);
    return f;
  }

  private static double distance(ParameterSet a, ParameterSet b) {
    double s = 0;
    for (Tensor t : a.tensors()) {
      float[] x = t.data();
      float[] y = b.tensor(t.name()).orElseThrow().data();
      for (int i = 0; i < x.length; i++) {
        s += (x[i] - y[i]) * (double) (x[i] - y[i]);
      }
    }
    return Math.sqrt(s);
  }
}
