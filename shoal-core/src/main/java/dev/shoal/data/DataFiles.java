package dev.shoal.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.shoal.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The schema declaration a data directory may carry ({@value #SCHEMA_FILE}): the same keys as
 * {@link Schema#describe()} ({@code task}, {@code input_shape}, {@code features}, {@code
 * classes}), so that every site reads its data under the same classes even when some of them are
 * missing locally.
 */
public final class DataFiles {

  /** The declaration's file name in a data directory. */
  public static final String SCHEMA_FILE = "schema.json";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private DataFiles() {}

  /** The schema declared in {@code dir}/{@value #SCHEMA_FILE}, if there is one. */
  public static Optional<Schema> declaredSchema(Path dir) throws IOException {
    Path file = dir.resolve(SCHEMA_FILE);
    return Files.isRegularFile(file) ? Optional.of(readSchema(file)) : Optional.empty();
  }

  /**
   * Reads a schema declaration.
   *
   * @throws DataFormatException naming the file and the field that is wrong
   */
  public static Schema readSchema(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new DataFormatException(file.toString(), "is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new DataFormatException(file.toString(), "must hold a JSON object with task, input_shape, features, classes");
    }
    return schema(root, file.toString());
  }

  /** A schema from a JSON object with {@link Schema#describe()}'s keys; {@code features} and {@code classes} may be absent. */
  static Schema schema(JsonNode root, String where) throws DataFormatException {
    try {
      Task task = Task.parse(text(root, "task", where));
      JsonNode shape = root.get("input_shape");
      if (shape == null || !shape.isArray()) {
        throw new DataFormatException(where, "'input_shape' must be an array of positive integers");
      }
      List<Integer> dims = new ArrayList<>();
      for (JsonNode d : shape) {
        if (!d.canConvertToInt()) {
          throw new DataFormatException(where, "'input_shape' must be an array of positive integers, found " + d);
        }
        dims.add(d.intValue());
      }
      return new Schema(task, dims, strings(root, "features", where), strings(root, "classes", where));
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(where, e.getMessage());
    }
  }

  /** Writes {@code schema} as {@code dir}/{@value #SCHEMA_FILE}, atomically. */
  public static void writeSchema(Path dir, Schema schema) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(schema.describe());
    AtomicFile.write(dir.resolve(SCHEMA_FILE), out -> out.write(bytes));
  }

  private static String text(JsonNode root, String field, String where) throws DataFormatException {
    JsonNode n = root.get(field);
    if (n == null || !n.isTextual()) {
      throw new DataFormatException(where, "'%s' must be a string".formatted(field));
    }
    return n.asText();
  }

  static List<String> strings(JsonNode root, String field, String where) throws DataFormatException {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new DataFormatException(where, "'%s' must be an array of strings".formatted(field));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isTextual() && !e.isNumber()) {
        throw new DataFormatException(where, "'%s' must be an array of strings, found %s".formatted(field, e));
      }
      out.add(e.asText());
    }
    return out;
  }
}
