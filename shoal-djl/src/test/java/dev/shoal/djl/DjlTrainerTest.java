package dev.shoal.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.data.ImageDataset;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class DjlTrainerTest {

  final ModelZoo zoo = ModelZoo.standard();
  final ImageDataset train = Stripes.of(400, 1);
  final ImageDataset test = Stripes.of(200, 2);

  @Test
  void initialisationIsRepeatableAndSeeded() {
    DjlTrainer mlp = zoo.newTrainer("mlp");
    assertThat(mlp.initialParameters(7)).isEqualTo(mlp.initialParameters(7));
    assertThat(mlp.initialParameters(7)).isNotEqualTo(mlp.initialParameters(8));
    float[] w = mlp.initialParameters(7).tensor("fc1.weight").orElseThrow().data();
    double bound = 1 / Math.sqrt(784);
    for (float v : w) {
      assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
    }
  }

  @Tag("slow")
  @Test
  void logregAndMlpLearnALearnableTask() {
    for (String name : List.of("logreg", "mlp")) {
      DjlTrainer trainer = zoo.newTrainer(name);
      ParameterSet initial = trainer.initialParameters(1);
      Evaluation before = trainer.evaluate(initial, test);
      FitOutcome out = trainer.fit(initial, train, new FitConfig(3, 10, 0.1, 1));
      Evaluation after = trainer.evaluate(out.parameters(), test);
      assertThat(out.numExamples()).isEqualTo(400);
      assertThat(out.metrics()).containsKeys("train_loss", "train_accuracy");
      assertThat(after.loss()).as(name).isLessThan(before.loss() / 2);
      assertThat(after.accuracy()).as(name).isGreaterThan(0.9);
      assertThat(after.numExamples()).isEqualTo(200);
    }
  }

  @Tag("slow")
  @Test
  void cnnTrainsAndChangesItsParameters() {
    DjlTrainer cnn = zoo.newTrainer("cnn");
    ParameterSet initial = cnn.initialParameters(1);
    FitOutcome out = cnn.fit(initial, Stripes.of(40, 3), new FitConfig(1, 10, 0.05, 1));
    assertThat(out.parameters().names()).isEqualTo(initial.names());
    assertThat(out.parameters()).isNotEqualTo(initial);
    assertThat(out.metrics().get("train_loss")).isFinite();
  }

  @Tag("slow")
  @Test
  void fitIsRepeatableAndLeavesItsInputAlone() {
    DjlTrainer mlp = zoo.newTrainer("mlp");
    ParameterSet initial = mlp.initialParameters(1);
    ParameterSet copy = new ParameterSet(initial.tensors().stream().map(Tensor::copy).toList(), initial.metadata());
    FitOutcome a = mlp.fit(initial, train, new FitConfig(1, 10, 0.1, 5));
    FitOutcome b = mlp.fit(initial, train, new FitConfig(1, 10, 0.1, 5));
    assertThat(initial).isEqualTo(copy);
    assertThat(a.parameters()).isEqualTo(b.parameters());
  }

  @Test
  void parametersThatDoNotFitTheModelAreNamed() {
    DjlTrainer mlp = zoo.newTrainer("mlp");
    List<Tensor> tensors = new ArrayList<>(mlp.initialParameters(1).tensors());
    tensors.set(1, new Tensor("fc1.bias", new int[] {199}, new float[199]));
    assertThatThrownBy(() -> mlp.fit(new ParameterSet(tensors), train, new FitConfig(1, 10, 0.1, 1)))
        .isInstanceOf(IncompatibleParametersException.class)
        .hasMessageContaining("tensor 'fc1.bias' has shape [199]");
    tensors.remove(1);
    assertThatThrownBy(() -> mlp.evaluate(new ParameterSet(tensors), test))
        .hasMessageContaining("tensor 'fc1.bias' is missing");
  }

  @Test
  void imagesOfTheWrongSizeAreRefused() {
    ImageDataset small = new ImageDataset(new byte[2 * 16], new byte[2], 4, 4);
    assertThatThrownBy(() -> zoo.newTrainer("logreg").evaluate(zoo.newTrainer("logreg").initialParameters(1), small))
        .hasMessageContaining("takes 784 values per example").hasMessageContaining("4x4 = 16 pixels");
  }

  @Test
  void anInterruptedFitStopsBetweenBatches() {
    DjlTrainer mlp = zoo.newTrainer("mlp");
    ParameterSet initial = mlp.initialParameters(1);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> mlp.fit(initial, train, new FitConfig(1, 10, 0.1, 1)))
          .isInstanceOf(CancellationException.class);
    } finally {
      Thread.interrupted();
    }
  }

  @Tag("slow")
  @Test
  void manyFitsDoNotAccumulateNativeMemory() {
    DjlTrainer logreg = zoo.newTrainer("logreg");
    ParameterSet p = logreg.initialParameters(1);
    for (int i = 0; i < 30; i++) {
      p = logreg.fit(p, train, new FitConfig(1, 50, 0.1, i)).parameters();
    }
    assertThat(logreg.evaluate(p, test).accuracy()).isGreaterThan(0.9);
  }
}
