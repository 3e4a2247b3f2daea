package dev.shoal.strategy;

import static dev.shoal.strategy.FedAvgTest.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.train.Setting;
import dev.shoal.train.UnknownSettingException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FedProxTest {

  static Strategy fedProx(String mu) {
    Map<String, String> raw = mu == null ? Map.of() : Map.of("proximal-mu", mu);
    return Strategies.installed().create("fedprox", StrategiesTest.CONTEXT, new StrategyParameters("fedprox", raw));
  }

  @Test
  void everyInstructionRequiresTheProximalMu() {
    List<FitInstruction> fit = fedProx("0.5").configureFit(1, params(0, 0), List.of("a", "b", "c", "d"),
        new SplittableRandom(1));
    assertThat(fit).isNotEmpty().allSatisfy(i ->
        assertThat(i.config().settings().get("proximal-mu")).contains(new Setting.Number(0.5, true)));
    assertThatThrownBy(() -> fit.get(0).config().settings().requireUnderstood(Set.of()))
        .isInstanceOf(UnknownSettingException.class).hasMessageContaining("proximal-mu");
  }

  @Test
  void averagesAsFedAvgDoesAndFoldsSums() throws Exception {
    Strategy s = fedProx(null);
    assertThat(((FedProx) s).mu()).isEqualTo(FedProx.DEFAULT_MU);
    assertThat(s.foldsSums()).isTrue();
    FitAggregation agg = s.beginFit(1, params(0, 0));
    agg.add(new FitReply("a", params(1, 10), 100, Map.of()));
    agg.add(new FitReply("b", params(3, 20), 300, Map.of()));
    assertThat(agg.result().tensor("w").orElseThrow().data()).containsExactly(2.5f, 17.5f);
  }

  @Test
  void aNegativeMuIsRefusedWithTheCondition() {
    assertThatThrownBy(() -> fedProx("-1"))
        .isInstanceOf(StrategyConfigurationException.class)
        .hasMessage("strategy 'fedprox': parameter proximal-mu must be a number >= 0, got proximal-mu=-1.0");
  }
}
