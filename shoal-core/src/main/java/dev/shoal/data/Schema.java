package dev.shoal.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a dataset holds, declared once for the whole federation: the task, the shape of one
 * example's features, the features' names (empty for images and arrays, whose features are
 * positions) and the classes (empty for regression). Every site's data must have the same
 * schema, so that every site encodes its examples alike; the schema is part of the run's
 * identity ({@link #describe()}).
 *
 * @param task what the targets are
 * @param inputShape the dimensions of one example's features, e.g. {@code [1, 28, 28]} or {@code [30]}
 * @param featureNames one name per feature value, in order, or empty
 * @param classes the class names, class index {@code i} being {@code classes.get(i)}; empty for regression
 */
public record Schema(Task task, List<Integer> inputShape, List<String> featureNames, List<String> classes) {

  private static final ObjectMapper CANONICAL =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  public Schema {
    Objects.requireNonNull(task, "task");
    inputShape = List.copyOf(inputShape);
    featureNames = List.copyOf(featureNames);
    classes = List.copyOf(classes);
    if (inputShape.isEmpty() || inputShape.stream().anyMatch(d -> d <= 0)) {
      throw new IllegalArgumentException(
          "input shape must have at least one dimension and only positive sizes, got " + inputShape);
    }
    long size = inputShape.stream().mapToLong(Integer::longValue).reduce(1, Math::multiplyExact);
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("input shape " + inputShape + " has more than 2^31 values");
    }
    if (!featureNames.isEmpty() && featureNames.size() != size) {
      throw new IllegalArgumentException("%d feature names for input shape %s (%d values)"
          .formatted(featureNames.size(), inputShape, size));
    }
    switch (task) {
      case CLASSIFICATION -> {
        if (classes.size() < 2) {
          throw new IllegalArgumentException("classification needs at least 2 classes, got " + classes);
        }
      }
      case BINARY -> {
        if (classes.size() != 2) {
          throw new IllegalArgumentException("binary needs exactly 2 classes, got " + classes);
        }
      }
      case REGRESSION -> {
        if (!classes.isEmpty()) {
          throw new IllegalArgumentException("regression has no classes, got " + classes);
        }
      }
    }
    if (classes.size() != classes.stream().distinct().count()) {
      throw new IllegalArgumentException("class names must be distinct, got " + classes);
    }
  }

  /** Images or arrays of {@code shape} with classes {@code "0" .. "classes-1"}. */
  public static Schema indexed(Task task, int[] shape, int classes) {
    List<String> names = new ArrayList<>(classes);
    for (int c = 0; c < classes; c++) {
      names.add(Integer.toString(c));
    }
    return new Schema(task, Arrays.stream(shape).boxed().toList(), List.of(), names);
  }

  /** Number of values in one example's features. */
  public int inputSize() {
    return inputShape.stream().mapToInt(Integer::intValue).reduce(1, Math::multiplyExact);
  }

  /** The input shape as an array. */
  public int[] shape() {
    return inputShape.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Number of classes; 0 for regression. */
  public int classCount() {
    return classes.size();
  }

  /** How many values the model outputs per example: one per class, or one for binary and regression. */
  public int outputs() {
    return task == Task.CLASSIFICATION ? classes.size() : 1;
  }

  /** The same schema for another task (whose classes must suit it). */
  public Schema withTask(Task other) {
    return new Schema(other, inputShape, featureNames, other == Task.REGRESSION ? List.of() : classes);
  }

  /**
   * The schema as a map with sorted keys ({@code classes}, {@code features}, {@code input_shape},
   * {@code task}): what the run's identity includes.
   */
  public Map<String, Object> describe() {
    Map<String, Object> m = new TreeMap<>();
    m.put("classes", classes);
    m.put("features", featureNames);
    m.put("input_shape", inputShape);
    m.put("task", task.id());
    return m;
  }

  /** {@link #describe()} as compact JSON with sorted keys: equal schemas, equal text. */
  public String canonicalJson() {
    try {
      return CANONICAL.writeValueAsString(describe());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A short human description, e.g. {@code classification, 30 features, 2 classes}. */
  public String summary() {
    String input = featureNames.isEmpty() ? "input " + inputShape : featureNames.size() + " features";
    return switch (task) {
      case REGRESSION -> "regression, " + input;
      default -> "%s, %s, %d classes".formatted(task.id(), input, classes.size());
    };
  }

  /**
   * Checks that {@code other} (the data of {@code where}) has this schema.
   *
   * @throws SchemaMismatchException naming the first difference
   */
  public void requireSame(Schema other, String where) {
    Map<String, Object> mine = describe();
    Map<String, Object> theirs = other.describe();
    Map<String, String> diffs = new LinkedHashMap<>();
    for (String key : List.of("task", "input_shape", "classes", "features")) {
      if (!Objects.equals(mine.get(key), theirs.get(key))) {
        diffs.put(key, "%s has %s, expected %s".formatted(where, abbreviate(theirs.get(key)), abbreviate(mine.get(key))));
      }
    }
    if (!diffs.isEmpty()) {
      var first = diffs.entrySet().iterator().next();
      throw new SchemaMismatchException("data schema differs in " + first.getKey() + ": " + first.getValue());
    }
  }

  private static String abbreviate(Object value) {
    String s = String.valueOf(value);
    return s.length() <= 200 ? s : s.substring(0, 197) + "...";
  }
}
