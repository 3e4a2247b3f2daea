package dev.shoal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainableParametersTest {

  static final List<String> TENSORS = List.of("encoder.0.weight", "encoder.0.bias", "lora_A", "lora_B",
      "classifier.weight", "classifier.bias", "bn.running_mean");

  @Test
  void aStarMatchesAnyCharactersDotsIncludedAndAQuestionMarkOne() {
    var t = new TrainableParameters(List.of("classifier.*", "lora_?"));
    assertThat(TENSORS.stream().filter(t::matches))
        .containsExactly("lora_A", "lora_B", "classifier.weight", "classifier.bias");
    assertThat(new TrainableParameters(List.of("encoder*bias")).matches("encoder.0.bias")).isTrue();
    // a dot is a dot, not any character
    assertThat(new TrainableParameters(List.of("lora.A")).matches("lora_A")).isFalse();
  }

  @Test
  void selectingKeepsTheModelsOrderAndNoGlobsMeansEveryTensor() {
    var t = new TrainableParameters(List.of("classifier.*", "encoder.0.*"));
    assertThat(t.select("m", TENSORS, Set.copyOf(TENSORS))).containsExactly(
        "encoder.0.weight", "encoder.0.bias", "classifier.weight", "classifier.bias");
    assertThat(TrainableParameters.ALL.select("m", TENSORS, Set.of())).containsExactlyElementsOf(TENSORS);
    assertThat(TrainableParameters.parse(t.describe())).isEqualTo(t);
    assertThat(TrainableParameters.parse("")).isEqualTo(TrainableParameters.ALL);
  }

  @Test
  void aGlobThatMatchesNothingIsRefusedNamingTheFirstTensors() {
    var many = java.util.stream.IntStream.range(0, 20).mapToObj(i -> "layer" + i + ".weight").toList();
    assertThatThrownBy(() -> new TrainableParameters(List.of("layer1.*", "adapter.*")).select("big", many, Set.copyOf(many)))
        .hasMessage("--train-params 'adapter.*' matches no tensor of model big; its tensors are layer0.weight,"
            + " layer1.weight, layer2.weight, layer3.weight, layer4.weight, layer5.weight, layer6.weight, layer7.weight,"
            + " ... (20 in all)");
  }

  @Test
  void selectingOnlyBuffersLeavesNothingToTrainAndIsRefused() {
    Set<String> parameters = Set.of("encoder.0.weight", "encoder.0.bias", "lora_A", "lora_B", "classifier.weight",
        "classifier.bias");
    assertThatThrownBy(() -> new TrainableParameters(List.of("bn.*")).select("m", TENSORS, parameters))
        .hasMessageStartingWith("--train-params bn.* leaves every parameter of model m frozen (it matches only buffers bn.running_mean)");
    assertThatThrownBy(() -> new TrainableParameters(List.of(" ")))
        .hasMessage("--train-params needs a glob of tensor names, got nothing");
  }
}
