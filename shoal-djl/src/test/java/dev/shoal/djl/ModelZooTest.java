package dev.shoal.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class ModelZooTest {

  final ModelZoo zoo = ModelZoo.standard();

  @Test
  void builtInModelsHaveThePublishedParameterCounts() {
    assertThat(zoo.newTrainer("logreg").initialParameters(1).parameterCount()).isEqualTo(7_850);
    assertThat(zoo.newTrainer("mlp").initialParameters(1).parameterCount()).isEqualTo(199_210);
    assertThat(zoo.newTrainer("cnn").initialParameters(1).parameterCount()).isEqualTo(1_663_370);
  }

  @Test
  void tensorsHaveReadableNamesAndPyTorchShapes() {
    ParameterSet mlp = zoo.newTrainer("mlp").initialParameters(1);
    assertThat(mlp.names()).containsExactly("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias");
    assertThat(mlp.tensor("fc1.weight").orElseThrow().shape()).containsExactly(200, 784);
    ParameterSet cnn = zoo.newTrainer("cnn").initialParameters(1);
    assertThat(cnn.tensor("conv1.weight").orElseThrow().shape()).containsExactly(32, 1, 5, 5);
    assertThat(cnn.tensor("fc1.weight").orElseThrow().shape()).containsExactly(512, 3136);
  }

  @Test
  void unknownModelListsTheKnownOnes() {
    assertThatThrownBy(() -> zoo.newTrainer("resnet"))
        .isInstanceOf(UnknownModelException.class)
        .hasMessageContaining("unknown model 'resnet': use --model with one of cnn, logreg, mlp").hasMessageNotContaining("ModelZoo");
  }

  @Tag("slow")
  @Test
  void aRegisteredBlockTrainsEndToEndWithDerivedNames() {
    ModelZoo mine = ModelZoo.builtIn().register("tiny", ModelSpec.of(
        () -> new SequentialBlock().add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(16).build()).add(Activation.reluBlock())
            .add(Linear.builder().setUnits(10).build()),
        new Shape(1, 28, 28)));
    DjlTrainer tiny = mine.newTrainer("tiny");
    ParameterSet initial = tiny.initialParameters(3);
    assertThat(initial.parameterCount()).isEqualTo(784 * 16 + 16 + 16 * 10 + 10);
    assertThat(initial.names()).allSatisfy(n -> assertThat(n).matches("[a-z0-9_.]+"));
    var data = Stripes.of(200, 1);
    var out = tiny.fit(initial, data, new FitConfig(3, 10, 0.1, 1));
    assertThat(out.parameters().names()).isEqualTo(initial.names());
    assertThat(tiny.evaluate(out.parameters(), data).accuracy()).isGreaterThan(0.8);
  }

  @Test
  void registeringTwiceOrABadNameIsRefused() {
    ModelZoo mine = ModelZoo.builtIn();
    assertThatThrownBy(() -> mine.register("mlp", ZooModels.mlp())).hasMessageContaining("already registered");
    assertThatThrownBy(() -> mine.register("My Model", ZooModels.mlp())).hasMessageContaining("is not allowed");
  }
}
