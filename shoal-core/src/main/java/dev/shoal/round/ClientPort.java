package dev.shoal.round;

import dev.shoal.strategy.EvaluateReply;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.tensor.ParameterSet;
import java.util.List;

/**
 * How the round engine reaches clients, without knowing the network. The in-process adapter
 * ({@link InProcessClients}) serves simulation and tests; a networked adapter serves deployment.
 * Calls block until the client answers and may be interrupted when a round's deadline passes.
 */
public interface ClientPort {

  /** Ids of the clients that can take work now. */
  List<String> available();

  FitReply fit(FitInstruction instruction) throws Exception;

  EvaluateReply evaluate(String clientId, int round, ParameterSet global) throws Exception;

  /**
   * Waits until at least {@code count} clients are available, for ports whose clients come and
   * go; returns at once for ports whose clients are always there.
   */
  default void awaitAvailable(int count) throws InterruptedException {}

  /**
   * One stage of secure aggregation with a client that holds its update from this round's {@code
   * fit} (its instruction's {@link dev.shoal.strategy.Outbound#secureAggregation()}): sends the
   * encoded request, returns the client's encoded reply.
   */
  byte[] secagg(String clientId, int round, String stage, byte[] request) throws Exception;

  /**
   * Tells the port how long the engine waits for an answer to each call (the round's timeout), so
   * a port whose clients are far away can tell them when to stop trying to deliver.
   */
  default void answersWithin(java.time.Duration timeout) {}

  /** Bytes sent to and received from clients so far. */
  Traffic traffic();
}
