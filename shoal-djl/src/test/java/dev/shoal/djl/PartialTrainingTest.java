package dev.shoal.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.data.Dataset;
import dev.shoal.data.FederatedData;
import dev.shoal.data.MnistSample;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.PartialTrainer;
import dev.shoal.train.TrainableParameters;
import dev.shoal.train.Trainer;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code --train-params}: only the selected tensors are trained and exchanged, the rest stays as the architecture has it. */
class PartialTrainingTest {

  final FederatedData mnist = MnistSample.load();
  final ModelZoo zoo = ModelZoo.standard();
  final Dataset train = mnist.train().subset(IntStream.range(0, 600).toArray());

  @Test
  void aTorchScriptModelExchangesOnlyItsTrainableTensorsAndKeepsTheFrozenOnesAndTheirBuffers() {
    String id = ModelZoo.approve(TorchScriptTrainerTest.CNN).id();
    Trainer whole = zoo.trainer(id, mnist.train().schema());
    Trainer partial = zoo.trainer(id, mnist.train().schema(), new TrainableParameters(List.of("classifier.*")), 0);
    ParameterSet file = whole.initialParameters(0);

    ParameterSet start = partial.initialParameters(5);
    assertThat(start.names()).containsExactly(
        "classifier.2.weight", "classifier.2.bias", "classifier.4.weight", "classifier.4.bias");
    FitOutcome out = partial.fit(start, train, new FitConfig(1, 32, 0.05, 7));
    assertThat(out.parameters().names()).isEqualTo(start.names());
    assertThat(out.parameters().tensor("classifier.4.weight").orElseThrow())
        .isNotEqualTo(start.tensor("classifier.4.weight").orElseThrow());

    ParameterSet completed = partial.complete(out.parameters());
    assertThat(completed.names()).isEqualTo(file.names());
    for (String frozen : List.of("features.0.weight", "features.1.bias", "features.1.running_mean",
        "features.1.running_var", "features.1.num_batches_tracked")) {
      assertThat(completed.tensor(frozen)).isEqualTo(file.tensor(frozen));
    }
  }

  @Test
  void noGradientStepTouchesAFrozenParameter() {
    ParameterSet initial = zoo.newTrainer(ModelZoo.MLP).initialParameters(3);
    DjlTrainer frozen = zoo.newTrainer(ModelZoo.MLP).withTrainable(java.util.Set.of("fc3.weight", "fc3.bias"));
    // momentum and weight decay would move a frozen weight if the optimiser stepped it
    var config = new FitConfig(1, 20, 0.1, 7, dev.shoal.train.LossFunction.AUTO,
        new dev.shoal.train.OptimizerConfig(dev.shoal.train.OptimizerConfig.Kind.SGD, 0.9, false, 0.01, 0.9, 0.999, 1e-8),
        1.0);
    ParameterSet trained = frozen.fit(initial, train, config).parameters();
    for (String name : List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")) {
      assertThat(trained.tensor(name)).as(name).isEqualTo(initial.tensor(name));
    }
    assertThat(trained.tensor("fc3.weight")).isNotEqualTo(initial.tensor("fc3.weight"));
  }

  @Test
  void noGradientStepTouchesAFrozenTorchScriptParameter() {
    var trainer = new TorchScriptTrainer(TorchScriptFile.read(TorchScriptTrainerTest.CNN), new ai.djl.ndarray.types.Shape(1, 28, 28));
    ParameterSet initial = trainer.initialParameters(0);
    ParameterSet trained = trainer.withTrainable(java.util.Set.of("classifier.4.weight", "classifier.4.bias"))
        .fit(initial, train, new FitConfig(1, 32, 0.05, 7)).parameters();
    for (String name : List.of("features.0.weight", "features.5.bias", "classifier.2.weight")) {
      assertThat(trained.tensor(name)).as(name).isEqualTo(initial.tensor(name));
    }
    assertThat(trained.tensor("classifier.4.weight")).isNotEqualTo(initial.tensor("classifier.4.weight"));
  }

  @Test
  void aBuiltInModelsFrozenTensorsAreItsSeededInitialisation() {
    var trainable = new TrainableParameters(List.of("fc2.*"));
    PartialTrainer partial = (PartialTrainer) zoo.trainer(ModelZoo.MLP, mnist.train().schema(), trainable, 11);
    ParameterSet seeded = zoo.newTrainer(ModelZoo.MLP, mnist.train().schema()).initialParameters(11);
    ParameterSet exchanged = partial.initialParameters(11);
    assertThat(exchanged.names()).containsExactly("fc2.weight", "fc2.bias");
    ParameterSet whole = partial.complete(partial.fit(exchanged, train, new FitConfig(1, 20, 0.1, 7)).parameters());
    assertThat(whole.tensor("fc1.weight")).isEqualTo(seeded.tensor("fc1.weight"));
    assertThat(whole.tensor("fc3.bias")).isEqualTo(seeded.tensor("fc3.bias"));
    assertThat(whole.tensor("fc2.bias")).isNotEqualTo(seeded.tensor("fc2.bias"));
  }

  @Test
  void aGlobThatMatchesNothingOrOnlyBuffersIsRefusedNamingTheModelsTensors() {
    String id = ModelZoo.approve(TorchScriptTrainerTest.CNN).id();
    assertThatThrownBy(() -> zoo.trainer(ModelZoo.MLP, mnist.train().schema(), new TrainableParameters(List.of("lora_*")), 1))
        .isInstanceOf(IncompatibleParametersException.class)
        .hasMessage("--train-params 'lora_*' matches no tensor of model mlp; its tensors are fc1.weight, fc1.bias,"
            + " fc2.weight, fc2.bias, fc3.weight, fc3.bias");
    assertThatThrownBy(() -> zoo.trainer(id, mnist.train().schema(), new TrainableParameters(List.of("*.running_*")), 1))
        .isInstanceOf(IncompatibleParametersException.class)
        .hasMessageContaining("leaves every parameter of model mnist-cnn.pt")
        .hasMessageContaining("features.0.weight, features.0.bias");
  }

  @Test
  void aPartialTrainerRefusesAModelWithoutItsTrainableTensors() {
    var trainable = new TrainableParameters(List.of("fc.bias"));
    Trainer partial = zoo.trainer(ModelZoo.LOGREG, mnist.train().schema(), trainable, 1);
    ParameterSet wrong = new ParameterSet(List.of(new Tensor("fc.weight", new int[] {10, 784}, new float[7840])));
    assertThatThrownBy(() -> partial.fit(wrong, train, new FitConfig(1, 20, 0.1, 7)))
        .hasMessageContaining("tensor 'fc.bias' is missing");
  }
}
