package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;

/**
 * Tells one client to train: from which global model, in which round, how, and what to do with
 * its update before it leaves the client.
 */
public record FitInstruction(String clientId, int round, ParameterSet global, FitConfig config, Outbound outbound) {

  /** An instruction whose update is sent as it is. */
  public FitInstruction(String clientId, int round, ParameterSet global, FitConfig config) {
    this(clientId, round, global, config, Outbound.PLAIN);
  }

  public FitInstruction withOutbound(Outbound o) {
    return new FitInstruction(clientId, round, global, config, o);
  }
}
