package dev.shoal.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.data.Dataset;
import dev.shoal.data.Schema;
import dev.shoal.data.Task;
import dev.shoal.node.ControlFile;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Setting;
import dev.shoal.train.Settings;
import dev.shoal.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScaffoldClientTest {

  /** K plain SGD steps on a loss whose gradient is g = (1, 1) everywhere, shifted as asked. */
  static final class ConstantGradient implements Trainer {
    @Override
    public ParameterSet initialParameters(long seed) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
      return fit(parameters, data, config, null);
    }

    @Override
    public FitOutcome fit(ParameterSet p, Dataset data, FitConfig config, ParameterSet shift) {
      assertThat(p.names()).containsExactly("w");
      long k = ScaffoldClient.localSteps(data.size(), config);
      float[] w = p.read("w").data().clone();
      float[] s = shift == null ? new float[w.length] : shift.read("w").data();
      for (int i = 0; i < w.length; i++) {
        w[i] -= (float) (k * config.learningRate() * (1 + s[i]));
      }
      return new FitOutcome(new ParameterSet(List.of(new Tensor("w", new int[] {w.length}, w)), p.metadata()),
          data.size(), Map.of());
    }

    @Override
    public Evaluation evaluate(ParameterSet parameters, Dataset data) {
      throw new UnsupportedOperationException();
    }
  }

  static final Dataset DATA = new Dataset(Schema.indexed(Task.CLASSIFICATION, new int[] {1}, 2), new float[25],
      new float[25]);
  static final FitConfig CONFIG = new FitConfig(1, 10, 0.1, 1,
      Settings.NONE.with(Scaffold.SETTING, new Setting.Flag(true, true)));

  static ParameterSet sent(float[] x, float[] c) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {2}, x), new Tensor(Scaffold.PREFIX + "w", new int[] {2}, c)));
  }

  static void assertClose(float[] actual, float... expected) {
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("index %d", i).isCloseTo(expected[i], within(1e-5f));
    }
  }

  @Test
  void theClientControlBecomesTheLocalGradientAndTheReplyCarriesTheServerControlPlusItsChange() {
    var store = ScaffoldClient.inMemory();
    var trainer = new ConstantGradient();
    float[] x = {1, 2};
    float[] c = {0.5f, -0.5f};
    // 25 examples in batches of 10: K = 3 steps of lr 0.1; first round cᵢ = 0, shift c − cᵢ = c
    FitOutcome first = ScaffoldClient.fit(trainer, sent(x, c), DATA, CONFIG, store);
    // y = x − 0.3·(g + c) = (1 − 0.45, 2 − 0.15)
    assertClose(first.parameters().read("w").data(), 0.55f, 1.85f);
    // cᵢ⁺ = cᵢ − c + (x − y)/(K·lr) = g
    assertClose(store.load().orElseThrow().read("w").data(), 1f, 1f);
    // c + Δcᵢ = c + g
    assertClose(first.parameters().read(Scaffold.PREFIX + "w").data(), 1.5f, 0.5f);
    // the next round starts from cᵢ = g: shift c − g, and cᵢ stays g, so Δcᵢ = 0
    FitOutcome second = ScaffoldClient.fit(trainer, sent(x, c), DATA, CONFIG, store);
    assertClose(second.parameters().read("w").data(), 0.85f, 2.15f);
    assertClose(second.parameters().read(Scaffold.PREFIX + "w").data(), 0.5f, -0.5f);
  }

  @Test
  void anInstructionWithoutTheSettingTrainsPlainly() {
    var store = ScaffoldClient.inMemory();
    ParameterSet x = new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[] {1, 2})));
    FitOutcome out = ScaffoldClient.fit(new ConstantGradient(), x, DATA, new FitConfig(1, 10, 0.1, 1), store);
    assertThat(out.parameters().names()).containsExactly("w");
    assertThat(store.load()).isEmpty();
  }

  @Test
  void aNodeKeepsItsControlInItsStateDirectory(@TempDir Path dir) {
    ControlFile file = ControlFile.in(dir);
    assertThat(file.load()).isEmpty();
    ScaffoldClient.fit(new ConstantGradient(), sent(new float[] {1, 2}, new float[] {0, 0}), DATA, CONFIG, file);
    assertThat(dir.resolve(ControlFile.NAME)).exists();
    assertClose(ControlFile.in(dir).load().orElseThrow().read("w").data(), 1f, 1f);
  }
}
