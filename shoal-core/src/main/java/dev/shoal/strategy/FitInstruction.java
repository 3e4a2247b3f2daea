package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;

/** Tells one client to train: from which global model, in which round, and how. */
public record FitInstruction(String clientId, int round, ParameterSet global, FitConfig config) {}
