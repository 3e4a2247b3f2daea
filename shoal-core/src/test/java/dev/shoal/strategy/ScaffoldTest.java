package dev.shoal.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import dev.shoal.train.LossFunction;
import dev.shoal.train.OptimizerConfig;
import dev.shoal.train.Setting;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScaffoldTest {

  static final StrategyContext ALL = new StrategyContext(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 0.0);

  static Scaffold scaffold(Map<String, String> raw) {
    return (Scaffold) Strategies.installed().create("scaffold", ALL, new StrategyParameters("scaffold", raw));
  }

  static ParameterSet reply(float[] y, float[] control) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {y.length}, y),
        new Tensor(Scaffold.PREFIX + "w", new int[] {control.length}, control)));
  }

  static float[] sent(FitInstruction i, String name) {
    return i.global().tensor(name).orElseThrow().data();
  }

  @Test
  void sendsTheControlVariateBesideTheModelAndRequiresTheClientStep() {
    Scaffold s = scaffold(Map.of());
    List<FitInstruction> fit = s.configureFit(1, FedAvgTest.params(1, 2), List.of("a", "b"), new SplittableRandom(1));
    assertThat(fit).hasSize(2).allSatisfy(i -> {
      assertThat(i.global().names()).containsExactly("w", "scaffold-control/w");
      assertThat(sent(i, "scaffold-control/w")).containsExactly(0f, 0f);
      assertThat(i.config().settings().get("scaffold")).contains(new Setting.Flag(true, true));
    });
    assertThat(fit.get(0).global()).isSameAs(fit.get(1).global());
    assertThat(s.foldsSums()).isFalse();
  }

  @Test
  void averagesModelsByExamplesAndControlsByTheShareOfClientsThatAnswered() throws Exception {
    Scaffold s = scaffold(Map.of());
    ParameterSet x = FedAvgTest.params(0, 0);
    s.configureFit(1, x, List.of("a", "b", "c", "d"), new SplittableRandom(1));
    FitAggregation agg = s.beginFit(1, x);
    agg.add(new FitReply("a", reply(new float[] {1, 10}, new float[] {0.2f, 0.4f}), 100, Map.of()));
    agg.add(new FitReply("b", reply(new float[] {3, 20}, new float[] {0.6f, 0f}), 300, Map.of()));
    // x: (100·1 + 300·3) / 400 = 2.5, (100·10 + 300·20) / 400 = 17.5
    ParameterSet next = agg.result();
    assertThat(next.names()).containsExactly("w");
    assertThat(next.tensor("w").orElseThrow().data()).containsExactly(2.5f, 17.5f);
    // c: 0 + (2 / 4)·mean(Δc) = 0.5·(0.4, 0.2)
    FitInstruction i = s.configureFit(2, next, List.of("a", "b", "c", "d"), new SplittableRandom(2)).get(0);
    assertThat(sent(i, "scaffold-control/w")[0]).isCloseTo(0.2f, within(1e-6f));
    assertThat(sent(i, "scaffold-control/w")[1]).isCloseTo(0.1f, within(1e-6f));
  }

  @Test
  void theServerLearningRateScalesTheModelStep() throws Exception {
    Scaffold s = scaffold(Map.of("server-lr", "0.5"));
    ParameterSet x = FedAvgTest.params(2, 2);
    s.configureFit(1, x, List.of("a"), new SplittableRandom(1));
    FitAggregation agg = s.beginFit(1, x);
    agg.add(new FitReply("a", reply(new float[] {4, 0}, new float[] {1, 1}), 10, Map.of()));
    // 2 + 0.5·(4 − 2), 2 + 0.5·(0 − 2); c: 0 + (1 / 1)·1
    assertThat(agg.result().tensor("w").orElseThrow().data()).containsExactly(3f, 1f);
    FitInstruction i = s.configureFit(2, agg.result(), List.of("a"), new SplittableRandom(2)).get(0);
    assertThat(sent(i, "scaffold-control/w")).containsExactly(1f, 1f);
  }

  @Test
  void anOptimiserOtherThanPlainSgdIsRefusedWithTheReason() {
    var adam = new StrategyContext(new FitConfig(1, 10, 0.1, 1, LossFunction.AUTO,
        new OptimizerConfig(OptimizerConfig.Kind.ADAM, 0, false, 0, 0.9, 0.999, 1e-8), 0), 1.0, 1, 0.0);
    assertThatThrownBy(() -> Strategies.installed().create("scaffold", adam, StrategyParameters.NONE))
        .isInstanceOf(StrategyConfigurationException.class)
        .hasMessageContaining("assumes plain SGD");
  }

  @Test
  void contributionsSeeTheModelWithoutTheControls() {
    ParameterSet r = reply(new float[] {1, 2}, new float[] {3, 4});
    assertThat(Scaffold.modelOf(r).names()).containsExactly("w");
    assertThat(FedAvgTest.params(0, 0).layoutMismatch(Scaffold.modelOf(r))).isEmpty();
  }
}
