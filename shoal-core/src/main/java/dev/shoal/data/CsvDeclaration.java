package dev.shoal.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How every site turns its CSV file into the same features: the label column, the task and its
 * classes, and each feature column either numeric (standardised with a declared mean and
 * standard deviation) or categorical (one-hot over a declared vocabulary). Kept as JSON next to
 * the data ({@code NAME.schema.json} for {@code NAME.csv}), so that sites whose files miss some
 * categories or classes still encode alike.
 */
public record CsvDeclaration(String label, Task task, List<String> classes, List<Column> columns) {

  /** One feature column. {@code values} is empty for a numeric column. */
  public record Column(String name, boolean categorical, List<String> values, double mean, double std) {

    public Column {
      values = List.copyOf(values);
    }

    static Column numeric(String name, double mean, double std) {
      return new Column(name, false, List.of(), mean, std);
    }

    static Column categorical(String name, List<String> values) {
      return new Column(name, true, values, 0, 1);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public CsvDeclaration {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(task, "task");
    classes = List.copyOf(classes);
    columns = List.copyOf(columns);
  }

  /** The schema of the features this declaration produces: one per numeric column, one per category. */
  public Schema schema() {
    List<String> names = new ArrayList<>();
    for (Column c : columns) {
      if (c.categorical()) {
        c.values().forEach(v -> names.add(c.name() + "=" + v));
      } else {
        names.add(c.name());
      }
    }
    return new Schema(task, List.of(names.size()), names, task.hasClasses() ? classes : List.of());
  }

  /** The companion declaration of a CSV file: {@code data.csv} → {@code data.schema.json}. */
  public static Path companion(Path csv) {
    String name = csv.getFileName().toString();
    String stem = name.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
    return csv.resolveSibling(stem + ".schema.json");
  }

  public void write(Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("label", label);
    root.put("task", task.id());
    ArrayNode cl = root.putArray("classes");
    classes.forEach(cl::add);
    ArrayNode cols = root.putArray("columns");
    for (Column c : columns) {
      ObjectNode o = cols.addObject();
      o.put("name", c.name());
      if (c.categorical()) {
        ArrayNode v = o.putArray("values");
        c.values().forEach(v::add);
      } else {
        o.put("mean", c.mean());
        o.put("std", c.std());
      }
    }
    byte[] bytes = JSON.writeValueAsBytes(root);
    AtomicFile.write(file, out -> out.write(bytes));
  }

  /**
   * Reads a declaration.
   *
   * @throws DataFormatException naming the file and the field that is wrong
   */
  public static CsvDeclaration read(Path file) throws IOException {
    String where = file.toString();
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new DataFormatException(where, "is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject() || !root.path("label").isTextual() || !root.path("task").isTextual()
        || !root.path("columns").isArray()) {
      throw new DataFormatException(where, "must be a JSON object with 'label' and 'task' strings and a 'columns' array");
    }
    Task task;
    try {
      task = Task.parse(root.get("task").asText());
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(where, e.getMessage());
    }
    List<Column> columns = new ArrayList<>();
    for (JsonNode c : root.get("columns")) {
      if (!c.path("name").isTextual()) {
        throw new DataFormatException(where, "every column needs a 'name', found " + c);
      }
      String name = c.get("name").asText();
      if (c.has("values")) {
        columns.add(Column.categorical(name, DataFiles.strings(c, "values", where + " column '" + name + "'")));
      } else {
        double std = c.path("std").asDouble(1);
        if (!(std > 0)) {
          throw new DataFormatException(where, "column '%s': std must be positive, got %s".formatted(name, std));
        }
        columns.add(Column.numeric(name, c.path("mean").asDouble(0), std));
      }
    }
    var d = new CsvDeclaration(root.get("label").asText(), task, DataFiles.strings(root, "classes", where), columns);
    try {
      d.schema();
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(where, e.getMessage());
    }
    return d;
  }
}
