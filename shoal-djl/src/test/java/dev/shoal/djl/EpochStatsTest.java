package dev.shoal.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.data.Task;
import org.junit.jupiter.api.Test;

class EpochStatsTest {

  @Test
  void classificationCountsTheFirstLargestOutputAsThePrediction() {
    var stats = new EpochStats(Task.CLASSIFICATION);
    // rows: predicts 2 (right), 0 (wrong), a tie between 0 and 1 goes to 0 (right)
    stats.add(3, 0.5f, new float[] {0, 1, 3, 2, 1, 0, 4, 4, 1}, new float[] {2, 1, 0});
    stats.add(1, 1.5f, new float[] {0, 0, 1}, new float[] {2});
    assertThat(stats.accuracy()).isEqualTo(0.75);
    assertThat(stats.loss()).isEqualTo((0.5 * 3 + 1.5) / 4);
  }

  @Test
  void binaryPredictsOneForAPositiveLogit() {
    var stats = new EpochStats(Task.BINARY);
    stats.add(4, 0.2f, new float[] {2.5f, -1f, 0f, -0.1f}, new float[] {1, 1, 0, 0});
    assertThat(stats.accuracy()).isEqualTo(0.75);
  }
}
