package dev.shoal.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A completed training round: the new global model, who took part, what each participant
 * committed to, and the round's metrics, contribution scores and rewards.
 * <pre>
 * {"contributions":{"n1":0.6,"n2":0.4},"leaveOneOut":{"n1":0.02,"n2":0.01},"metrics":{"accuracy":0.91,"loss":0.27},
 *  "modelId":"sha256:…","participants":["n1","n2"],"rewards":{"n1":6,"n2":4},
 *  "round":3,"run":"mnist-7","type":"round_completed",
 *  "updateCommitments":{"n1":"sha256:…","n2":"sha256:…"}}
 * </pre>
 *
 * @param run the run's id
 * @param round the round number, {@code 0..2^53}
 * @param modelId content id of the global model produced by this round
 * @param participants the nodes whose updates were aggregated, each once, in the order given
 * @param updateCommitments for participants that committed to their update: node to the
 *     content id ({@code sha256:<hex>}) of the update it sent; every key is a participant
 * @param metrics round metrics by name (finite numbers)
 * @param contributions contribution score by node, the one rewards follow (GTG-Shapley when
 *     computed, else leave-one-out; finite numbers)
 * @param leaveOneOut leave-one-out score by node, when computed (finite numbers)
 * @param rewards reward by node (finite numbers)
 * @param subtrees for participants that are relays: the nodes whose updates the relay folded into
 *     its own, with their example counts and update ids; written only when a round has any
 */
public record RoundCompleted(
    String run,
    long round,
    String modelId,
    List<String> participants,
    Map<String, String> updateCommitments,
    Map<String, Double> metrics,
    Map<String, Double> contributions,
    Map<String, Double> leaveOneOut,
    Map<String, Double> rewards,
    Map<String, List<SubtreeMember>> subtrees) implements LedgerEntry {

  /** The {@code type} of this entry. */
  public static final String TYPE = "round_completed";

  private static final Set<String> FIELDS = Set.of("type", "run", "round", "modelId", "participants",
      "updateCommitments", "metrics", "contributions", "leaveOneOut", "rewards", "subtrees");

  public RoundCompleted {
    EntryFields.name("run", run);
    EntryFields.count("round", round);
    EntryFields.contentId("modelId", modelId);
    participants = EntryFields.distinctNames("participants", participants);
    updateCommitments = EntryFields.contentIds("updateCommitments", updateCommitments);
    for (String node : updateCommitments.keySet()) {
      if (!participants.contains(node)) {
        throw new IllegalArgumentException("updateCommitments names node \"" + node
            + "\", which is not a participant: allowed are " + participants);
      }
    }
    metrics = EntryFields.finite("metrics", metrics);
    contributions = EntryFields.finite("contributions", contributions);
    leaveOneOut = EntryFields.finite("leaveOneOut", leaveOneOut);
    rewards = EntryFields.finite("rewards", rewards);
    subtrees = SubtreeMember.checked(subtrees, participants);
  }

  /** A round without relays among its participants. */
  public RoundCompleted(String run, long round, String modelId, List<String> participants,
      Map<String, String> updateCommitments, Map<String, Double> metrics, Map<String, Double> contributions,
      Map<String, Double> leaveOneOut, Map<String, Double> rewards) {
    this(run, round, modelId, participants, updateCommitments, metrics, contributions, leaveOneOut, rewards, Map.of());
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public byte[] toJson() {
    ObjectNode node = EntryFields.object(TYPE);
    node.put("run", run);
    node.put("round", round);
    node.put("modelId", modelId);
    node.set("participants", EntryFields.strings(participants));
    node.set("updateCommitments", EntryFields.stringMap(updateCommitments));
    node.set("metrics", EntryFields.doubleMap(metrics));
    node.set("contributions", EntryFields.doubleMap(contributions));
    node.set("leaveOneOut", EntryFields.doubleMap(leaveOneOut));
    node.set("rewards", EntryFields.doubleMap(rewards));
    if (!subtrees.isEmpty()) {
      // only when there are relays, so that the entries of a flat federation stay as they were
      node.set("subtrees", SubtreeMember.toJson(subtrees));
    }
    return CanonicalJson.canonicalize(node);
  }

  static RoundCompleted fromJson(JsonNode node) {
    EntryFields.onlyFields(node, TYPE, FIELDS);
    return new RoundCompleted(
        EntryFields.text(node, "run"),
        EntryFields.integer(node, "round"),
        EntryFields.text(node, "modelId"),
        EntryFields.textList(node, "participants"),
        EntryFields.textMap(node, "updateCommitments"),
        EntryFields.numberMap(node, "metrics"),
        EntryFields.numberMap(node, "contributions"),
        EntryFields.numberMap(node, "leaveOneOut"),
        EntryFields.numberMap(node, "rewards"),
        SubtreeMember.fromJson(node.get("subtrees"), TYPE));
  }
}
