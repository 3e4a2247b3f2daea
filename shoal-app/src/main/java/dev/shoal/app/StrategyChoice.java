package dev.shoal.app;

import dev.shoal.strategy.Strategies;
import dev.shoal.strategy.StrategyParameters;
import java.util.Map;

/**
 * The strategy a run uses ({@code --strategy NAME}) and its own parameters ({@code
 * --strategy-param KEY=VALUE}, or the {@code strategy:} section of a job file), as given.
 */
record StrategyChoice(String name, Map<String, String> parameters) {

  static final StrategyChoice DEFAULT = new StrategyChoice(Strategies.DEFAULT, Map.of());

  StrategyChoice {
    parameters = Map.copyOf(parameters);
  }

  StrategyParameters strategyParameters() {
    return new StrategyParameters(name, parameters);
  }
}
