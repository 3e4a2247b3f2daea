package dev.shoal.node;

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

  String submitEvaluation(String node, int round, Evaluation evaluation) throws IOException;

  /** Tells the coordinator this node could not complete an assignment, and why. */
  void fail(String node, Assignment assignment, String reason) throws IOException;
}
