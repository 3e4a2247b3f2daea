package dev.shoal.strategy;

import static dev.shoal.strategy.FedAvgTest.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.train.FitConfig;
import dev.shoal.train.Setting;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QFedAvgTest {

  /** The clients' learning rate 0.1, so L = 10. */
  static Strategy qFedAvg(String q) {
    var context = new StrategyContext(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 0.0);
    return Strategies.installed().create("qfedavg", context, new StrategyParameters("qfedavg", Map.of("q", q)));
  }

  static FitReply reply(String id, double loss, float... y) {
    return new FitReply(id, params(y), 50, Map.of(QFedAvg.METRIC, loss));
  }

  @Test
  void weighsEachUpdateByItsLossToThePowerQ() throws Exception {
    FitAggregation agg = qFedAvg("1").beginFit(1, params(0, 0));
    // a: Δw = 10·(x − y) = (1, −2), ‖Δw‖² = 5, F = 2: Δ = (2, −4), h = 1·2⁰·5 + 10·2 = 25
    agg.add(reply("a", 2, -0.1f, 0.2f));
    // b: Δw = (−1, 0), ‖Δw‖² = 1, F = 1: Δ = (−1, 0), h = 1 + 10 = 11
    agg.add(reply("b", 1, 0.1f, 0f));
    // x − ΣΔ / Σh = −(1, −4) / 36
    float[] w = agg.result().tensor("w").orElseThrow().data();
    assertThat(w[0]).isCloseTo(-1f / 36, within(1e-6f));
    assertThat(w[1]).isCloseTo(4f / 36, within(1e-6f));
  }

  @Test
  void withQZeroItIsThePlainMeanOfTheModels() throws Exception {
    FitAggregation agg = qFedAvg("0").beginFit(1, params(1, 1));
    agg.add(reply("a", 5, 3, 1));
    agg.add(reply("b", 0.1, 1, 5));
    float[] w = agg.result().tensor("w").orElseThrow().data();
    assertThat(w[0]).isCloseTo(2f, within(1e-6f));
    assertThat(w[1]).isCloseTo(3f, within(1e-6f));
  }

  @Test
  void asksForTheLossBeforeTrainingAndRejectsAReplyWithout() {
    Strategy s = qFedAvg("0.2");
    assertThat(s.configureFit(1, params(0), List.of("a"), new SplittableRandom(1)).get(0).config().settings()
        .get(QFedAvg.SETTING)).contains(new Setting.Flag(true, true));
    FitAggregation agg = s.beginFit(1, params(0));
    assertThatThrownBy(() -> agg.add(new FitReply("a", params(1), 5, Map.of())))
        .isInstanceOf(UpdateRejectedException.class).hasMessageContaining("start_loss");
    assertThat(agg.count()).isZero();
    assertThat(s.foldsSums()).isFalse();
    assertThatThrownBy(() -> qFedAvg("-1")).isInstanceOf(StrategyConfigurationException.class)
        .hasMessage("strategy 'qfedavg': parameter q must be >= 0, got q=-1.0");
  }
}
