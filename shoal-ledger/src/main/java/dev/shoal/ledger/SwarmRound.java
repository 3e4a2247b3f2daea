package dev.shoal.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A round of a serverless federation ({@code shoal peer}), decided by a quorum of its peers: the
 * updates folded, in order, the model they give, and the membership from then on. Entry {@code i}
 * of a peer's ledger is round {@code i}; round 0 is the swarm's genesis (the initial model, the
 * founding members, no updates).
 * <pre>
 * {"baseModelId":"sha256:…","examples":{"p1":600,"p2":600},"members":{"p1":"p1+…","p2":"p2+…"},
 *  "modelId":"sha256:…","participants":["p1","p2"],"round":3,"run":"swarm-7","type":"swarm_round",
 *  "updateCommitments":{"p1":"sha256:…","p2":"sha256:…"}}
 * </pre>
 *
 * @param run the swarm's run id (the job's content id)
 * @param round the round, {@code 0..2^53}
 * @param baseModelId the model the updates were trained from; the model itself in round 0
 * @param modelId the model the round gives
 * @param participants the peers whose updates were folded, in folding order
 * @param updateCommitments each participant's update content id
 * @param examples each participant's example count, its weight in the fold
 * @param members the membership after this round, each member's cosigner verifier key: a
 *     majority of it must cosign the next round
 */
public record SwarmRound(String run, long round, String baseModelId, String modelId, List<String> participants,
    Map<String, String> updateCommitments, Map<String, Double> examples, Map<String, String> members)
    implements LedgerEntry {

  /** The {@code type} of this entry. */
  public static final String TYPE = "swarm_round";

  private static final Set<String> FIELDS = Set.of("type", "run", "round", "baseModelId", "modelId", "participants",
      "updateCommitments", "examples", "members");

  public SwarmRound {
    EntryFields.name("run", run);
    EntryFields.count("round", round);
    EntryFields.contentId("baseModelId", baseModelId);
    EntryFields.contentId("modelId", modelId);
    participants = EntryFields.distinctNames("participants", participants);
    updateCommitments = EntryFields.contentIds("updateCommitments", updateCommitments);
    examples = EntryFields.finite("examples", examples);
    if (!updateCommitments.keySet().equals(Set.copyOf(participants))
        || !examples.keySet().equals(Set.copyOf(participants))) {
      throw new IllegalArgumentException("updateCommitments and examples must name exactly the participants "
          + participants);
    }
    for (var e : examples.entrySet()) {
      if (e.getValue() <= 0 || e.getValue() != Math.rint(e.getValue())) {
        throw new IllegalArgumentException("examples." + e.getKey() + " must be a positive whole number, not " + e.getValue());
      }
    }
    SortedMap<String, String> m = new TreeMap<>();
    for (var e : members.entrySet()) {
      m.put(EntryFields.name("members", e.getKey()), e.getValue());
    }
    if (m.isEmpty()) {
      throw new IllegalArgumentException("members is empty: a swarm has at least one member");
    }
    members = m;
  }

  /** How many members' cosignatures decide the next round: a majority of {@link #members}. */
  public int quorum() {
    return members.size() / 2 + 1;
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
    node.put("baseModelId", baseModelId);
    node.put("modelId", modelId);
    node.set("participants", EntryFields.strings(participants));
    node.set("updateCommitments", EntryFields.stringMap(updateCommitments));
    node.set("examples", EntryFields.doubleMap(examples));
    node.set("members", EntryFields.stringMap(members));
    return CanonicalJson.canonicalize(node);
  }

  static SwarmRound fromJson(JsonNode node) {
    EntryFields.onlyFields(node, TYPE, FIELDS);
    return new SwarmRound(
        EntryFields.text(node, "run"),
        EntryFields.integer(node, "round"),
        EntryFields.text(node, "baseModelId"),
        EntryFields.text(node, "modelId"),
        EntryFields.textList(node, "participants"),
        EntryFields.textMap(node, "updateCommitments"),
        EntryFields.numberMap(node, "examples"),
        EntryFields.textMap(node, "members"));
  }
}
