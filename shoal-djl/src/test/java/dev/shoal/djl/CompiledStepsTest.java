package dev.shoal.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.shoal.data.DataLoader;
import dev.shoal.data.DataSpec;
import dev.shoal.data.Dataset;
import dev.shoal.data.Task;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.LossFunction;
import dev.shoal.train.OptimizerConfig;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The module's own training steps give what one engine call per operation gives, for every loss. */
class CompiledStepsTest {

  static final Path EXAMPLES = Path.of("..", "examples");

  @Test
  void aMethodThatDoesNotKeepTheHelpersPromiseIsNamed() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList good = new NDList(m.zeros(new Shape(25, 3)), m.zeros(new Shape(3)));
      assertThat(CompiledSteps.checked(good, 25, 10)).isSameAs(good);
      assertThatThrownBy(() -> CompiledSteps.checked(new NDList(m.zeros(new Shape(25, 3))), 25, 10))
          .isInstanceOf(IncompatibleDataException.class)
          .hasMessage("the module's shoal_train_steps gave [(25, 3)] for 25 examples in 3 batches, not their outputs"
              + " and one loss per batch; export the model with scripts/shoal_torchscript.py");
      assertThatThrownBy(() -> CompiledSteps.checked(new NDList(m.zeros(new Shape(24, 3)), m.zeros(new Shape(3))), 25, 10))
          .isInstanceOf(IncompatibleDataException.class);
      assertThatThrownBy(() -> CompiledSteps.checked(new NDList(m.zeros(new Shape(25, 3)), m.zeros(new Shape(2))), 25, 10))
          .isInstanceOf(IncompatibleDataException.class);
    }
  }

  @ParameterizedTest(name = "{0} with {2}")
  @CsvSource({
      "breast-cancer-mlp.pt, breast_cancer.csv, AUTO, diagnosis, 30, 0.05",
      "diabetes-mlp.pt, diabetes.csv, AUTO, progression, 10, 0.00001",
      "diabetes-mlp.pt, diabetes.csv, L1, progression, 10, 0.001",
      "diabetes-mlp.pt, diabetes.csv, HUBER, progression, 10, 0.001",
      "wine-mlp.pt, wine.csv, AUTO, cultivar, 13, 0.05"})
  void theCompiledStepsTrainAsTheCallsDo(String model, String csv, LossFunction loss, String label, int features,
      double lr) throws Exception {
    Dataset train = DataLoader.load(new DataSpec(EXAMPLES.resolve("data").resolve(csv), Optional.empty(), label,
        Optional.empty(), Optional.empty(), 0.2, 3)).data().train();
    var trainer = new TorchScriptTrainer(TorchScriptFile.read(EXAMPLES.resolve("models").resolve(model)), new Shape(features));
    ParameterSet initial = trainer.initialParameters(1);
    // 16 does not divide the training set: the last batch of each call's run is short
    FitOutcome compiled = trainer.fit(initial, train, new FitConfig(2, 16, lr, 7, loss, OptimizerConfig.SGD, 0));
    // clipping at a norm no gradient reaches takes the per-call path and changes nothing
    FitOutcome perCall = trainer.fit(initial, train, new FitConfig(2, 16, lr, 7, loss, OptimizerConfig.SGD, 1e30));

    for (String name : trainer.tensorNames()) {
      float[] a = compiled.parameters().tensor(name).orElseThrow().data();
      float[] b = perCall.parameters().tensor(name).orElseThrow().data();
      float[] before = initial.tensor(name).orElseThrow().data();
      assertThat(a).as("%s trained", name).isNotEqualTo(before);
      for (int i = 0; i < a.length; i++) {
        assertThat(a[i]).as("%s[%d]", name, i).isCloseTo(b[i], within(1e-4f + 1e-4f * Math.abs(b[i])));
      }
    }
    double lossA = compiled.metrics().get(DjlTrainer.TRAIN_LOSS);
    assertThat(lossA).isCloseTo(perCall.metrics().get(DjlTrainer.TRAIN_LOSS), within(1e-4 * Math.max(1, Math.abs(lossA))));
    if (train.schema().task() != Task.REGRESSION) {
      assertThat(compiled.metrics().get(DjlTrainer.TRAIN_ACCURACY)).isEqualTo(perCall.metrics().get(DjlTrainer.TRAIN_ACCURACY));
    }
  }
}
