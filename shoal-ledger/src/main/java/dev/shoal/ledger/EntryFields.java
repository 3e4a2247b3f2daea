package dev.shoal.ledger;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Validation, JSON building and JSON reading shared by the ledger entry records. */
final class EntryFields {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final Pattern CONTENT_ID = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final long MAX_EXACT_INTEGER = 1L << 53;

  private EntryFields() {}

  static ObjectNode object(String type) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", type);
    return node;
  }

  static ArrayNode strings(List<String> values) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    values.forEach(array::add);
    return array;
  }

  static ObjectNode stringMap(Map<String, String> values) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    values.forEach(node::put);
    return node;
  }

  static ObjectNode doubleMap(Map<String, Double> values) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    values.forEach(node::put);
    return node;
  }

  // ---- validation -------------------------------------------------------------------------

  static String name(String field, String value) {
    if (value == null || value.isEmpty() || value.codePoints().anyMatch(cp ->
        Character.isWhitespace(cp) || Character.isISOControl(cp))) {
      throw new IllegalArgumentException(field + " " + (value == null ? "null" : "\"" + value + "\"")
          + " is not allowed: it must be non-empty with no whitespace or control characters");
    }
    return value;
  }

  static String contentId(String field, String value) {
    if (value == null || !CONTENT_ID.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " " + (value == null ? "null" : "\"" + value + "\"")
          + " is not a content id: allowed is sha256: followed by 64 lowercase hex digits");
    }
    return value;
  }

  static long count(String field, long value) {
    if (value < 0 || value > MAX_EXACT_INTEGER) {
      throw new IllegalArgumentException(field + " " + value + " is out of range: allowed 0..2^53");
    }
    return value;
  }

  static List<String> distinctNames(String field, List<String> values) {
    List<String> copy = List.copyOf(values);
    if (Set.copyOf(copy).size() != copy.size()) {
      throw new IllegalArgumentException(field + " " + copy + " lists a name twice: each may appear once");
    }
    copy.forEach(v -> name(field + " entry", v));
    return copy;
  }

  static SortedMap<String, String> contentIds(String field, Map<String, String> values) {
    TreeMap<String, String> copy = new TreeMap<>();
    values.forEach((k, v) -> copy.put(name(field + " key", k), contentId(field + "." + k, v)));
    return Collections.unmodifiableSortedMap(copy);
  }

  static SortedMap<String, Double> finite(String field, Map<String, Double> values) {
    TreeMap<String, Double> copy = new TreeMap<>();
    values.forEach((k, v) -> {
      name(field + " key", k);
      if (v == null || v.isNaN() || v.isInfinite()) {
        throw new IllegalArgumentException(field + "." + k + " is " + v + ": only finite numbers are allowed");
      }
      copy.put(k, v == 0 ? 0.0 : v); // -0 and 0 have one canonical form
    });
    return Collections.unmodifiableSortedMap(copy);
  }

  // ---- reading ----------------------------------------------------------------------------

  static JsonNode readObject(byte[] json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("ledger entry is not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("ledger entry cannot be read: " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("ledger entry must be a JSON object");
    }
    return node;
  }

  static void onlyFields(JsonNode node, String type, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IllegalArgumentException("ledger entry " + type + " has unknown field \"" + f + "\": allowed are "
            + allowed.stream().sorted().toList());
      }
    }
  }

  private static JsonNode field(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("ledger entry has no \"" + field + "\" field");
    }
    return v;
  }

  static String text(JsonNode node, String field) {
    JsonNode v = field(node, field);
    if (!v.isTextual()) {
      throw new IllegalArgumentException("ledger entry field \"" + field + "\" must be a string, not " + v.getNodeType());
    }
    return v.textValue();
  }

  static long integer(JsonNode node, String field) {
    JsonNode v = field(node, field);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("ledger entry field \"" + field + "\" must be an integer, not " + v);
    }
    return v.longValue();
  }

  static List<String> textList(JsonNode node, String field) {
    JsonNode v = field(node, field);
    if (!v.isArray()) {
      throw new IllegalArgumentException("ledger entry field \"" + field + "\" must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw new IllegalArgumentException("ledger entry field \"" + field + "\" must hold only strings, not " + e);
      }
      out.add(e.textValue());
    }
    return out;
  }

  static Map<String, String> textMap(JsonNode node, String field) {
    JsonNode v = field(node, field);
    if (!v.isObject()) {
      throw new IllegalArgumentException("ledger entry field \"" + field + "\" must be an object of strings");
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException("ledger entry field \"" + field + "." + e.getKey() + "\" must be a string");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  static Map<String, Double> numberMap(JsonNode node, String field) {
    JsonNode v = field(node, field);
    if (!v.isObject()) {
      throw new IllegalArgumentException("ledger entry field \"" + field + "\" must be an object of numbers");
    }
    Map<String, Double> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isNumber()) {
        throw new IllegalArgumentException("ledger entry field \"" + field + "." + e.getKey() + "\" must be a number");
      }
      out.put(e.getKey(), e.getValue().doubleValue());
    }
    return out;
  }
}
