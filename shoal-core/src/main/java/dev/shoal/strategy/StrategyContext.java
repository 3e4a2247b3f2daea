package dev.shoal.strategy;

import dev.shoal.train.FitConfig;

/**
 * What every strategy is made with: the run's local training configuration and its sampling.
 *
 * @param fit local training; each client gets it with a seed of its own
 * @param fraction share of the available clients sampled for training each round
 * @param minClients sample at least this many (when available)
 * @param fractionEvaluate share of clients sampled for federated evaluation (0 for none)
 */
public record StrategyContext(FitConfig fit, double fraction, int minClients, double fractionEvaluate) {}
