package dev.shoal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The JSON columns: string maps, and number maps where null stands for an unmeasured NaN. */
final class JsonMaps {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonMaps() {}

  static String strings(Map<String, String> map) {
    ObjectNode o = JSON.createObjectNode();
    new TreeMap<>(map).forEach(o::put);
    return write(o);
  }

  static String numbers(Map<String, Double> map) {
    ObjectNode o = JSON.createObjectNode();
    new TreeMap<>(map).forEach((k, v) -> {
      if (v != null && Double.isFinite(v)) {
        o.put(k, v);
      } else {
        o.putNull(k);
      }
    });
    return write(o);
  }

  static Map<String, String> readStrings(String json, String column) {
    Map<String, String> map = new LinkedHashMap<>();
    read(json, column).properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  static Map<String, Double> readNumbers(String json, String column) {
    Map<String, Double> map = new LinkedHashMap<>();
    read(json, column).properties().forEach(e ->
        map.put(e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble() : Double.NaN));
    return map;
  }

  private static JsonNode read(String json, String column) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.isObject()) {
        throw new StoreException(column + " does not hold a JSON object: " + json);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new StoreException(column + " holds invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String write(ObjectNode o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
