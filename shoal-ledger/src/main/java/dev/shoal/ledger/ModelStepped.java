package dev.shoal.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model step of an asynchronous run (FedBuff): the new global model and the buffered updates it
 * folded, in the order they arrived, each with the node that sent it, its content id, its
 * staleness (model steps since the node's copy) and the weight that staleness gave it. A node may
 * appear more than once.
 * <pre>
 * {"metrics":{"test_accuracy":0.91,"virtual_time":812.5},"modelId":"sha256:…","run":"sim","step":3,
 *  "type":"model_stepped","updates":[{"commitment":"sha256:…","node":"n1","staleness":0,"weight":1},
 *  {"commitment":"sha256:…","node":"n4","staleness":2,"weight":0.5773502691896258}]}
 * </pre>
 *
 * @param run the run's id
 * @param step the model step, {@code 1..2^53}
 * @param modelId content id of the global model after the step
 * @param updates the folded updates, in arrival order, at least one
 * @param metrics the step's metrics by name (finite numbers)
 */
public record ModelStepped(String run, long step, String modelId, List<Update> updates, Map<String, Double> metrics)
    implements LedgerEntry {

  /** The {@code type} of this entry. */
  public static final String TYPE = "model_stepped";

  private static final Set<String> FIELDS = Set.of("type", "run", "step", "modelId", "updates", "metrics");
  private static final Set<String> UPDATE_FIELDS = Set.of("node", "commitment", "staleness", "weight");

  /** One buffered update: its node, its content id, its staleness and its weight in the step. */
  public record Update(String node, String commitment, long staleness, double weight) {
    public Update {
      EntryFields.name("updates.node", node);
      EntryFields.contentId("updates.commitment", commitment);
      EntryFields.count("updates.staleness", staleness);
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("updates.weight is " + weight + ": only positive finite numbers are allowed");
      }
    }
  }

  public ModelStepped {
    EntryFields.name("run", run);
    EntryFields.count("step", step);
    EntryFields.contentId("modelId", modelId);
    updates = List.copyOf(updates);
    if (updates.isEmpty()) {
      throw new IllegalArgumentException("a model step folds at least one update; updates is empty");
    }
    metrics = EntryFields.finite("metrics", metrics);
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** The nodes whose updates the step folded, each once, in the order of their first update. */
  public List<String> participants() {
    return updates.stream().map(Update::node).distinct().toList();
  }

  @Override
  public byte[] toJson() {
    ObjectNode node = EntryFields.object(TYPE);
    node.put("run", run);
    node.put("step", step);
    node.put("modelId", modelId);
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    for (Update u : updates) {
      ObjectNode o = list.addObject();
      o.put("node", u.node());
      o.put("commitment", u.commitment());
      o.put("staleness", u.staleness());
      o.put("weight", u.weight());
    }
    node.set("updates", list);
    node.set("metrics", EntryFields.doubleMap(metrics));
    return CanonicalJson.canonicalize(node);
  }

  static ModelStepped fromJson(JsonNode node) {
    EntryFields.onlyFields(node, TYPE, FIELDS);
    JsonNode list = node.get("updates");
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException("ledger entry field \"updates\" must be an array of objects");
    }
    List<Update> updates = new ArrayList<>();
    for (JsonNode u : list) {
      if (!u.isObject()) {
        throw new IllegalArgumentException("ledger entry field \"updates\" must hold only objects, not " + u);
      }
      EntryFields.onlyFields(u, TYPE + " update", UPDATE_FIELDS);
      JsonNode weight = u.get("weight");
      if (weight == null || !weight.isNumber()) {
        throw new IllegalArgumentException("ledger entry field \"updates.weight\" must be a number");
      }
      updates.add(new Update(EntryFields.text(u, "node"), EntryFields.text(u, "commitment"),
          EntryFields.integer(u, "staleness"), weight.doubleValue()));
    }
    return new ModelStepped(
        EntryFields.text(node, "run"),
        EntryFields.integer(node, "step"),
        EntryFields.text(node, "modelId"),
        updates,
        EntryFields.numberMap(node, "metrics"));
  }
}
