package dev.shoal.node;

import dev.shoal.federation.LedgerWitness;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * A node's connection to its coordinator, as the node agent needs it. Every call may fail with
 * an {@link IOException} when the link is down; the agent then backs off and registers again.
 */
public interface CoordinatorLink {

  void register(String node) throws IOException;

  void heartbeat(String node) throws IOException;

  /** The next assignment, if any. */
  Optional<Assignment> poll(String node) throws IOException;

  /** The parameters with this content id (implementations keep what they already fetched). */
  ParameterSet model(ContentId id) throws IOException;

  /** Returns the coordinator's verdict, e.g. {@code ACCEPTED} or {@code DUPLICATE}. */
  String submitFit(String node, int round, ParameterSet update, long numExamples, Map<String, Double> metrics)
      throws IOException;

  /**
   * Reports a fit whose update the node holds for secure aggregation: how many examples it trained
   * on and its metrics, but no update. Returns the coordinator's verdict.
   */
  String submitHeldFit(String node, int round, long numExamples, Map<String, Double> metrics) throws IOException;

  /**
   * Sends the node's reply (the protocol's encoded message) to the secure-aggregation stage {@code
   * stage} of {@code round}. Returns the coordinator's verdict.
   */
  String submitSecAgg(String node, int round, String stage, byte[] reply) throws IOException;

  String submitEvaluation(String node, int round, Evaluation evaluation) throws IOException;

  /** Tells the coordinator this node could not complete an assignment (of any kind but stop), and why. */
  void fail(String node, Assignment assignment, String reason) throws IOException;

  /**
   * The coordinator's latest ledger checkpoint with proofs for a node that last saw {@code
   * lastSize} entries; empty when the run keeps no ledger or it has not grown.
   */
  Optional<LedgerWitness.Offer> checkpoint(String node, long lastSize) throws IOException;

  /** Sends the node's cosignature of a checkpoint; returns the coordinator's verdict. */
  String cosign(String node, LedgerWitness.Cosignature cosignature) throws IOException;
}
