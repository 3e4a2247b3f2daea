package dev.shoal.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.data.Dataset;
import dev.shoal.data.Schema;
import dev.shoal.data.Task;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NoTrainingTrainerTest {

  private final NoTrainingTrainer trainer = new NoTrainingTrainer();
  private final Dataset threeImages = new Dataset(Schema.indexed(Task.CLASSIFICATION, new int[] {1, 2, 2}, 10), new float[3 * 4], new float[3]);
  private final ParameterSet global = new ParameterSet(List.of(
      new Tensor("w", new int[] {2, 3}, new float[] {0.1f, -0.2f, 0.3f, 0f, 0.5f, -0.6f}),
      new Tensor("b", new int[] {2}, new float[] {0.01f, 0.02f})), Map.of("model", "test"));

  private FitOutcome fit(long seed) {
    return trainer.fit(global, threeImages, new FitConfig(1, 10, 0.1, seed));
  }

  @Test
  void returnsTheSameLayoutAndMetadataWithValuesMovedSlightly() {
    FitOutcome out = fit(42);
    assertThat(global.layoutMismatch(out.parameters())).isEmpty();
    assertThat(out.parameters().metadata()).isEqualTo(global.metadata());
    assertThat(out.numExamples()).isEqualTo(3);
    for (Tensor t : global.tensors()) {
      float[] before = t.data();
      float[] after = out.parameters().tensor(t.name()).orElseThrow().data();
      for (int i = 0; i < before.length; i++) {
        assertThat(after[i]).isCloseTo(before[i], within(1e-4f)).isNotEqualTo(before[i]);
      }
    }
  }

  @Test
  void isRepeatableAndDiffersBetweenSeeds() {
    assertThat(fit(7).parameters()).isEqualTo(fit(7).parameters());
    assertThat(ContentId.of(fit(7).parameters())).isNotEqualTo(ContentId.of(fit(8).parameters()));
  }

  @Test
  void leavesTheGivenParametersAlone() {
    float[] copy = global.tensors().getFirst().data().clone();
    fit(1);
    assertThat(global.tensors().getFirst().data()).containsExactly(copy);
  }
}
