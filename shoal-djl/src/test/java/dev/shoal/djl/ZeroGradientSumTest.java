package dev.shoal.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.data.Dataset;
import dev.shoal.data.Schema;
import dev.shoal.data.SyntheticFederation;
import dev.shoal.data.Task;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A softmax regression's gradients add up to zero with their signs, so DJL's first-step check
 * ("gradient values are all zeros") refused correct steps; see {@link GradientSumCheck}.
 */
class ZeroGradientSumTest {

  @Test
  void aFirstStepWhoseGradientsCancelExactlyStillTrains() {
    // two classes, zero inputs, zero parameters: the weight gradients are 0 and the two bias
    // gradients are exactly -g and +g, so their signed sum is exactly 0
    Schema schema = Schema.indexed(Task.CLASSIFICATION, new int[] {4}, 2);
    Dataset data = new Dataset(schema, new float[4 * 4], new float[] {0, 0, 0, 1});
    DjlTrainer logreg = ModelZoo.builtIn().newTrainer("logreg", schema);
    ParameterSet zero = new ParameterSet(List.of(
        new Tensor("fc.weight", new int[] {2, 4}, new float[8]), new Tensor("fc.bias", new int[] {2}, new float[2])));

    FitOutcome outcome = logreg.fit(zero, data, new FitConfig(1, 4, 1.0, 1));

    float[] bias = outcome.parameters().tensor("fc.bias").orElseThrow().data();
    // the mean gradient of bias 0 is (3 × -0.5 + 0.5) / 4 = -0.25: one step of lr 1 raises it by 0.25
    assertThat(bias[0]).isEqualTo(0.25f);
    assertThat(bias[1]).isEqualTo(-0.25f);
  }

  @Test
  void syntheticClientsAllTrainWithLogreg() {
    SyntheticFederation federation = new SyntheticFederation(1, 1, 42, 0.2);
    DjlTrainer logreg = ModelZoo.builtIn().newTrainer("logreg", SyntheticFederation.SCHEMA);
    ParameterSet initial = logreg.initialParameters(42);
    for (int k = 0; k < 40; k++) {
      FitOutcome outcome = logreg.fit(initial, federation.client(k).train(), new FitConfig(1, 10, 0.01, k));
      assertThat(outcome.numExamples()).isEqualTo(federation.client(k).train().size());
    }
  }
}
