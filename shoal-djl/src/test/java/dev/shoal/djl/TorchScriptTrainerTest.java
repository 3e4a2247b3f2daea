package dev.shoal.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;
import dev.shoal.data.Dataset;
import dev.shoal.data.FederatedData;
import dev.shoal.data.MnistSample;
import dev.shoal.data.Schema;
import dev.shoal.data.Task;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.LossFunction;
import dev.shoal.train.OptimizerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptTrainerTest {

  static final Path CNN = Path.of("..", "examples", "models", "mnist-cnn.pt");

  final FederatedData mnist = MnistSample.load();
  final TorchScriptFile file = TorchScriptFile.read(CNN);
  final TorchScriptTrainer trainer = new TorchScriptTrainer(file, new Shape(1, 28, 28));

  @Test
  void theStateIsTheModulesStateDictWithItsBuffers() {
    assertThat(file.id()).matches("sha256:[0-9a-f]{64}");
    assertThat(file.declaresBuffers()).isTrue();
    assertThat(trainer.tensorNames()).containsExactly(
        "features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
        "features.4.weight", "features.4.bias", "features.5.weight", "features.5.bias",
        "classifier.2.weight", "classifier.2.bias", "classifier.4.weight", "classifier.4.bias",
        "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked",
        "features.5.running_mean", "features.5.running_var", "features.5.num_batches_tracked");
    ParameterSet initial = trainer.initialParameters(1);
    assertThat(initial.tensor("features.0.weight").orElseThrow().shape()).containsExactly(8, 1, 3, 3);
    assertThat(initial.tensor("features.1.running_var").orElseThrow().data()).containsOnly(1f);
    assertThat(initial.tensor("features.1.num_batches_tracked").orElseThrow().shape()).isEmpty();
  }

  @Test
  void trainingLearnsAndUpdatesTheRunningStatistics() {
    ParameterSet initial = trainer.initialParameters(1);
    Dataset train = mnist.train().subset(range(0, 1000));
    Dataset test = mnist.test().subset(range(0, 500));
    double before = trainer.evaluate(initial, test).accuracy();
    FitOutcome out = trainer.fit(initial, train, new FitConfig(1, 32, 0.05, 7));
    Evaluation after = trainer.evaluate(out.parameters(), test);
    assertThat(after.accuracy()).isGreaterThan(before + 0.3);
    assertThat(out.parameters().tensor("features.1.num_batches_tracked").orElseThrow().data())
        .containsExactly((float) Math.ceil(1000 / 32.0));
    assertThat(out.parameters().tensor("features.1.running_var").orElseThrow().data()).isNotEqualTo(
        initial.tensor("features.1.running_var").orElseThrow().data());
  }

  @Test
  void aFitIsRepeatableAndTheNextFitStartsFromItsOwnParameters() {
    ParameterSet initial = trainer.initialParameters(1);
    Dataset train = mnist.train().subset(range(0, 200));
    FitOutcome first = trainer.fit(initial, train, new FitConfig(1, 20, 0.05, 7));
    // the second fit runs on the module the first one used, with its dropout drawing again
    FitOutcome again = trainer.fit(initial, train, new FitConfig(1, 20, 0.05, 7));
    FitOutcome otherSeed = trainer.fit(initial, train, new FitConfig(1, 20, 0.05, 8));
    for (String name : trainer.tensorNames()) {
      assertThat(again.parameters().tensor(name).orElseThrow().data()).as(name)
          .isEqualTo(first.parameters().tensor(name).orElseThrow().data());
    }
    assertThat(otherSeed.parameters().tensor("classifier.4.weight").orElseThrow().data())
        .isNotEqualTo(first.parameters().tensor("classifier.4.weight").orElseThrow().data());
  }

  @Test
  void theModulesCompiledStepsTrainAsOneEngineCallPerOperationDoes() {
    ParameterSet initial = trainer.initialParameters(1);
    // 205 examples in batches of 20: the last batch is short
    Dataset train = mnist.train().subset(range(0, 205));
    FitOutcome compiled = trainer.fit(initial, train, new FitConfig(2, 20, 0.05, 7));
    // clipping at a norm no gradient reaches takes the per-call path and changes nothing
    FitOutcome perCall = trainer.fit(initial, train,
        new FitConfig(2, 20, 0.05, 7, LossFunction.AUTO, OptimizerConfig.SGD, 1e30));
    for (String name : trainer.tensorNames()) {
      float[] a = compiled.parameters().tensor(name).orElseThrow().data();
      float[] b = perCall.parameters().tensor(name).orElseThrow().data();
      for (int i = 0; i < a.length; i++) {
        assertThat(a[i]).as("%s[%d]", name, i).isCloseTo(b[i], within(1e-4f + 1e-4f * Math.abs(b[i])));
      }
    }
    assertThat(compiled.metrics().get(DjlTrainer.TRAIN_LOSS)).isCloseTo(perCall.metrics().get(DjlTrainer.TRAIN_LOSS), within(1e-4));
    assertThat(compiled.metrics().get(DjlTrainer.TRAIN_ACCURACY)).isEqualTo(perCall.metrics().get(DjlTrainer.TRAIN_ACCURACY));
    // 200 batches in calls of at most 64: four calls of 50
    assertThat(CompiledSteps.examplesPerCall(10, 784, 2000)).isEqualTo(500);
    assertThat(CompiledSteps.examplesPerCall(20, 784, 205)).isEqualTo(220);
    // at most 8 MiB of features a call, and at least one batch
    assertThat(CompiledSteps.examplesPerCall(2, 3 * 224 * 224, 1000)).isEqualTo(2 * 6);
    assertThat(CompiledSteps.examplesPerCall(10, 1 << 22, 1000)).isEqualTo(10);
  }

  @Test
  void outputsThatDoNotSuitTheTaskAreNamedOnTheCompiledPath() {
    // the CNN outputs 10 values per example; a binary task needs one
    Dataset train = mnist.train().subset(range(0, 40));
    float[] labels = new float[train.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = train.target(i) < 5 ? 0 : 1;
    }
    var binary = new Dataset(Schema.indexed(Task.BINARY, new int[] {1, 28, 28}, 2), train.features(), labels);
    assertThatThrownBy(() -> trainer.fit(trainer.initialParameters(1), binary, new FitConfig(1, 10, 0.05, 7)))
        .isInstanceOf(IncompatibleDataException.class)
        .hasMessageContaining("outputs 10 values per example but the data's binary task needs 1");
  }

  @Test
  void evaluationUsesTheGivenBuffersInInferenceMode() {
    ParameterSet trained = trainer.fit(trainer.initialParameters(1), mnist.train().subset(range(0, 500)),
        new FitConfig(1, 32, 0.05, 7)).parameters();
    Dataset test = mnist.test().subset(range(0, 300));
    Evaluation once = trainer.evaluate(trained, test);
    assertThat(trainer.evaluate(trained, test).loss()).isEqualTo(once.loss());
    float[] mean = trained.tensor("features.1.running_mean").orElseThrow().data().clone();
    Arrays.fill(mean, 50f);
    ParameterSet shifted = replace(trained, new Tensor("features.1.running_mean", new int[] {8}, mean));
    assertThat(trainer.evaluate(shifted, test).loss()).isNotEqualTo(once.loss());
  }

  @Test
  void aFileThatIsNotTorchScriptIsRefusedNamingIt(@TempDir Path dir) throws Exception {
    Path bogus = Files.writeString(dir.resolve("net.pt"), "not a model");
    assertThatThrownBy(() -> TorchScriptFile.read(bogus))
        .isInstanceOf(IncompatibleDataException.class)
        .hasMessageContaining(bogus.toString()).hasMessageContaining("not a TorchScript file");
    assertThatThrownBy(() -> TorchScriptFile.read(dir.resolve("missing.pt")))
        .hasMessageContaining("does not exist");
  }

  @Test
  void aRunNamingAnotherArchitectureIsRefusedNamingBothIds() {
    TorchScriptFile approved = ModelZoo.approve(CNN);
    String other = "sha256:" + "0".repeat(64);
    assertThatThrownBy(() -> ModelZoo.standard().trainer(other, MnistSample.SCHEMA))
        .isInstanceOf(UnapprovedModelException.class)
        .hasMessageContaining(other).hasMessageContaining(approved.id());
    assertThat(ModelZoo.standard().trainer(approved.id(), MnistSample.SCHEMA)).isInstanceOf(TorchScriptTrainer.class);
    assertThat(ModelZoo.resolve(CNN.toString())).isEqualTo(approved.id());
    assertThat(ModelZoo.resolve("mlp")).isEqualTo("mlp");
  }

  static ParameterSet replace(ParameterSet p, Tensor t) {
    return new ParameterSet(p.tensors().stream().map(x -> x.name().equals(t.name()) ? t : x).toList(), p.metadata());
  }

  static int[] range(int from, int to) {
    int[] r = new int[to - from];
    Arrays.setAll(r, i -> from + i);
    return r;
  }
}
