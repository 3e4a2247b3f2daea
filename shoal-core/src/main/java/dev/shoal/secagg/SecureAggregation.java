package dev.shoal.secagg;

import dev.shoal.strategy.Outbound;
import dev.shoal.tensor.ParameterSet;

/**
 * A client's side of secure aggregation, whatever carries its messages: it keeps the update it
 * trained in a round, which never leaves it in the clear, and answers the protocol's stages for
 * that round. Requests and replies are the protocol's encoded messages; {@code stage} names the
 * stage for logs and bookkeeping.
 */
public interface SecureAggregation {

  /** Keeps the update trained in {@code round} from {@code global}, for the stages that follow. */
  void hold(String self, int round, ParameterSet global, ParameterSet trained, long numExamples, Outbound outbound);

  /** Answers one stage of the protocol for {@code round}. */
  byte[] answer(int round, String stage, byte[] request) throws Exception;
}
