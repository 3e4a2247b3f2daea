package dev.shoal.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One node whose update a relay folded into the update it sent up: the node, how many examples
 * it trained on, the content id of its update, and the relay that folded it ({@code via}: the
 * participant itself, or a relay below it).
 */
public record SubtreeMember(String node, long examples, String update, String via) {

  private static final Set<String> FIELDS = Set.of("node", "examples", "update", "via");

  public SubtreeMember {
    EntryFields.name("subtrees.node", node);
    EntryFields.count("subtrees.examples", examples);
    EntryFields.contentId("subtrees.update", update);
    EntryFields.name("subtrees.via", via);
  }

  /** Checked and sorted: participant to its members, each list in the order given. */
  static SortedMap<String, List<SubtreeMember>> checked(Map<String, List<SubtreeMember>> subtrees,
      List<String> participants) {
    SortedMap<String, List<SubtreeMember>> out = new TreeMap<>();
    subtrees.forEach((relay, members) -> {
      if (!participants.contains(relay)) {
        throw new IllegalArgumentException("subtrees names \"" + relay + "\", which is not a participant: allowed are "
            + participants);
      }
      if (members.isEmpty()) {
        throw new IllegalArgumentException("subtrees." + relay + " is empty: a relay's update folds at least one");
      }
      out.put(relay, List.copyOf(members));
    });
    return out;
  }

  static ObjectNode toJson(Map<String, List<SubtreeMember>> subtrees) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    subtrees.forEach((relay, members) -> {
      ArrayNode list = node.putArray(relay);
      for (SubtreeMember m : members) {
        ObjectNode o = list.addObject();
        o.put("node", m.node());
        o.put("examples", m.examples());
        o.put("update", m.update());
        o.put("via", m.via());
      }
    });
    return node;
  }

  static Map<String, List<SubtreeMember>> fromJson(JsonNode node, String type) {
    if (node == null) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("ledger entry field \"subtrees\" must be an object of arrays");
    }
    Map<String, List<SubtreeMember>> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isArray()) {
        throw new IllegalArgumentException("ledger entry field \"subtrees." + e.getKey() + "\" must be an array");
      }
      List<SubtreeMember> members = new ArrayList<>();
      for (JsonNode m : e.getValue()) {
        if (!m.isObject()) {
          throw new IllegalArgumentException("ledger entry field \"subtrees." + e.getKey() + "\" must hold objects");
        }
        EntryFields.onlyFields(m, type + " subtree member", FIELDS);
        members.add(new SubtreeMember(EntryFields.text(m, "node"), EntryFields.integer(m, "examples"),
            EntryFields.text(m, "update"), EntryFields.text(m, "via")));
      }
      out.put(e.getKey(), members);
    }
    return out;
  }
}
