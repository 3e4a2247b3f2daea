package dev.shoal.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.privacy.DifferentiallyPrivate;
import dev.shoal.privacy.DpConfig;
import dev.shoal.train.FitConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrategiesTest {

  static final StrategyContext CONTEXT = new StrategyContext(new FitConfig(1, 10, 0.1, 1), 0.5, 2, 0.0);

  @Test
  void fedAvgIsRegisteredUnderItsName() {
    Strategies installed = Strategies.installed();
    assertThat(installed.summaries()).containsKey("fedavg");
    Strategy s = installed.create("fedavg", CONTEXT, StrategyParameters.NONE);
    assertThat(s).isEqualTo(new FedAvg(CONTEXT.fit(), 0.5, 2, 0.0));
  }

  @Test
  void anUnknownNameListsTheStrategies() {
    assertThatThrownBy(() -> Strategies.installed().create("fedavgg", CONTEXT, StrategyParameters.NONE))
        .isInstanceOf(StrategyConfigurationException.class)
        .hasMessageStartingWith("unknown strategy 'fedavgg'; the strategies are: ")
        .hasMessageContaining("fedavg");
  }

  @Test
  void aParameterTheStrategyDoesNotTakeIsRefused() {
    assertThatThrownBy(() -> Strategies.installed().create("fedavg", CONTEXT,
        new StrategyParameters("fedavg", Map.of("mu", "0.1"))))
        .isInstanceOf(StrategyConfigurationException.class)
        .hasMessage("strategy 'fedavg' has no parameter mu (it takes none)");
  }

  @Test
  void typedParametersNameTheKeyAndValueTheyRefuse() {
    var p = new StrategyParameters("x", Map.of("beta", "high", "tau", "1e-3", "k", "3"));
    assertThat(p.number("tau", 0)).isEqualTo(1e-3);
    assertThat(p.integer("k", 1)).isEqualTo(3);
    assertThatThrownBy(() -> p.number("beta", 0.9)).hasMessage("strategy 'x': parameter beta must be a number, got 'high'");
    assertThat(p.number("absent", 0.5)).isEqualTo(0.5);
    assertThat(p.given()).containsOnlyKeys("tau", "k");
  }

  @Test
  void differentialPrivacyWrapsOnlyStrategiesThatFoldSums() {
    FedAvg fedAvg = new FedAvg(CONTEXT.fit(), 1, 1, 0);
    Strategy needsEveryUpdate = new Strategy() {
      @Override
      public String name() {
        return "median";
      }

      @Override
      public java.util.List<FitInstruction> configureFit(int round, dev.shoal.tensor.ParameterSet global,
          java.util.List<String> available, java.util.SplittableRandom rng) {
        return fedAvg.configureFit(round, global, available, rng);
      }

      @Override
      public FitAggregation beginFit(int round, dev.shoal.tensor.ParameterSet global) {
        return fedAvg.beginFit(round, global);
      }

      @Override
      public java.util.List<String> configureEvaluate(int round, java.util.List<String> available,
          java.util.SplittableRandom rng) {
        return java.util.List.of();
      }
    };
    DpConfig dp = new DpConfig(1.0, new dev.shoal.privacy.Clipping.Fixed(1), DpConfig.Sampling.FIXED, 0.5, 1e-5,
        java.util.OptionalDouble.empty(), dev.shoal.privacy.Conversion.BALLE, DpConfig.Mode.CENTRAL);
    assertThatThrownBy(() -> new DifferentiallyPrivate(needsEveryUpdate, dp))
        .isInstanceOf(StrategyConfigurationException.class)
        .hasMessageContaining("'median' is not");
    assertThat(new DifferentiallyPrivate(new FedAvg(CONTEXT.fit(), 1, 1, 0), dp).name()).isEqualTo("dp-fedavg");
  }
}
