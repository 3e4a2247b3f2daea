package dev.shoal.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Reads a CSV file with a header into a {@link Dataset}. The label column (default {@code
 * label}) holds the targets; every other column is a feature: numeric columns are standardised,
 * columns whose cells are all text are one-hot encoded. A {@link CsvDeclaration} fixes the task,
 * the classes, the vocabularies and the scaling; without one they are inferred from the file,
 * and the loader says what it inferred.
 *
 * <p>Malformed data stops loading with the file, the line and the problem: a ragged row, an empty
 * cell, a cell that is not a number in a numeric column, NaN or infinity, a label outside the
 * declared classes, a category outside the declared vocabulary.
 */
public final class CsvLoader {

  /** Whole-number labels with at most this many distinct values are taken as classes when the task is not given. */
  public static final int MAX_INFERRED_CLASSES = 20;

  /** What was loaded, the declaration it was encoded by, and what was inferred (empty if nothing). */
  public record Loaded(Dataset data, CsvDeclaration declaration, Optional<String> inferred) {}

  private CsvLoader() {}

  /**
   * Loads {@code file}.
   *
   * @param label the label column's name
   * @param task the task, or empty to infer it (ignored when {@code declared} is present)
   * @param declared the declaration to encode by, or empty to infer one from this file
   */
  public static Loaded load(Path file, String label, Optional<Task> task, Optional<CsvDeclaration> declared)
      throws IOException {
    CsvReader.Table table = CsvReader.read(file);
    String name = file.toString();
    String labelColumn = declared.map(CsvDeclaration::label).orElse(label);
    int labelIndex = table.header().indexOf(labelColumn);
    if (labelIndex < 0) {
      throw new DataFormatException(name, "has no column '%s' for the label; its columns are %s; name the label column with --label"
          .formatted(labelColumn, table.header()));
    }
    Optional<String> inferred = Optional.empty();
    CsvDeclaration d;
    if (declared.isPresent()) {
      d = declared.get();
      checkColumns(d, table.header(), name);
    } else {
      var inference = infer(table, labelIndex, task, name);
      d = inference.declaration();
      inferred = inference.note();
    }
    return new Loaded(encode(table, d, name), d, inferred);
  }

  private record Inference(CsvDeclaration declaration, Optional<String> note) {}

  private static Inference infer(CsvReader.Table t, int labelIndex, Optional<Task> given, String name)
      throws DataFormatException {
    List<CsvDeclaration.Column> columns = new ArrayList<>();
    for (int c = 0; c < t.header().size(); c++) {
      if (c == labelIndex) {
        continue;
      }
      String column = t.header().get(c);
      boolean anyNumber = false;
      boolean anyText = false;
      for (CsvReader.Row r : t.rows()) {
        String cell = r.cells().get(c).strip();
        if (cell.isEmpty()) {
          throw new DataFormatException(name + ":" + r.line(), "column '%s' is empty; every cell needs a value".formatted(column));
        }
        if (parse(cell) != null) {
          anyNumber = true;
        } else {
          anyText = true;
        }
      }
      if (anyText && !anyNumber) {
        TreeSet<String> vocabulary = new TreeSet<>();
        final int col = c;
        t.rows().forEach(r -> vocabulary.add(r.cells().get(col).strip()));
        columns.add(CsvDeclaration.Column.categorical(column, List.copyOf(vocabulary)));
      } else {
        double sum = 0;
        double sq = 0;
        for (CsvReader.Row r : t.rows()) {
          double v = number(r, c, column, name);
          sum += v;
          sq += v * v;
        }
        int n = t.rows().size();
        double mean = sum / n;
        double var = Math.max(0, sq / n - mean * mean);
        double std = var > 0 ? Math.sqrt(var) : 1;
        columns.add(CsvDeclaration.Column.numeric(column, mean, std));
      }
    }
    String labelName = t.header().get(labelIndex);
    List<String> cells = t.rows().stream().map(r -> r.cells().get(labelIndex).strip()).toList();
    for (int i = 0; i < cells.size(); i++) {
      if (cells.get(i).isEmpty()) {
        throw new DataFormatException(name + ":" + t.rows().get(i).line(), "the label '%s' is empty".formatted(labelName));
      }
    }
    boolean numeric = cells.stream().allMatch(s -> parse(s) != null);
    boolean whole = numeric && cells.stream().allMatch(s -> parse(s) == Math.rint(parse(s)));
    List<String> classes;
    Task task;
    String note = null;
    if (numeric) {
      TreeSet<Double> distinct = new TreeSet<>();
      cells.forEach(s -> distinct.add(parse(s)));
      task = given.orElse(whole && distinct.size() <= MAX_INFERRED_CLASSES
          ? (distinct.size() == 2 ? Task.BINARY : Task.CLASSIFICATION) : Task.REGRESSION);
      classes = task == Task.REGRESSION ? List.of() : distinct.stream().map(CsvLoader::format).toList();
      if (given.isEmpty()) {
        note = task == Task.REGRESSION
            ? "label '%s' has %d distinct numeric values".formatted(labelName, distinct.size())
            : "label '%s' has %d distinct whole-number values %s".formatted(labelName, distinct.size(), classes);
      }
    } else {
      if (given.orElse(null) == Task.REGRESSION) {
        int bad = 0;
        while (parse(cells.get(bad)) != null) {
          bad++;
        }
        throw new DataFormatException(name + ":" + t.rows().get(bad).line(),
            "label '%s' is '%s', not a number, but the task is regression".formatted(labelName, cells.get(bad)));
      }
      classes = List.copyOf(new TreeSet<>(cells));
      task = given.orElse(classes.size() == 2 ? Task.BINARY : Task.CLASSIFICATION);
      if (given.isEmpty()) {
        note = "label '%s' has %d distinct text values %s".formatted(labelName, classes.size(), abbreviate(classes));
      }
    }
    if (task == Task.BINARY && classes.size() != 2) {
      throw new DataFormatException(name, "task binary needs exactly 2 classes, label '%s' has %d: %s"
          .formatted(labelName, classes.size(), abbreviate(classes)));
    }
    if (task == Task.CLASSIFICATION && classes.size() < 2) {
      throw new DataFormatException(name, "classification needs at least 2 classes, label '%s' has only %s"
          .formatted(labelName, classes));
    }
    return new Inference(new CsvDeclaration(labelName, task, classes, columns), Optional.ofNullable(note));
  }

  private static void checkColumns(CsvDeclaration d, List<String> header, String name) throws DataFormatException {
    List<String> expected = new ArrayList<>();
    d.columns().forEach(c -> expected.add(c.name()));
    expected.add(d.label());
    for (String col : expected) {
      if (!header.contains(col)) {
        throw new DataFormatException(name, "has no column '%s', which the declaration lists".formatted(col));
      }
    }
    for (String col : header) {
      if (!expected.contains(col)) {
        throw new DataFormatException(name, "has a column '%s' that the declaration does not list".formatted(col));
      }
    }
  }

  private static Dataset encode(CsvReader.Table t, CsvDeclaration d, String name) throws DataFormatException {
    Schema schema = d.schema();
    int width = schema.inputSize();
    int n = t.rows().size();
    float[] features = new float[Math.multiplyExact(n, width)];
    float[] targets = new float[n];
    int labelIndex = t.header().indexOf(d.label());
    int[] index = d.columns().stream().mapToInt(c -> t.header().indexOf(c.name())).toArray();
    Map<String, Integer> classIndex = new HashMap<>();
    for (int k = 0; k < d.classes().size(); k++) {
      classIndex.put(d.classes().get(k), k);
    }
    for (int i = 0; i < n; i++) {
      CsvReader.Row r = t.rows().get(i);
      int at = i * width;
      for (int c = 0; c < index.length; c++) {
        CsvDeclaration.Column col = d.columns().get(c);
        if (col.categorical()) {
          String value = r.cells().get(index[c]).strip();
          int k = col.values().indexOf(value);
          if (k < 0) {
            throw new DataFormatException(name + ":" + r.line(), "column '%s' is '%s', not one of its declared values %s"
                .formatted(col.name(), value, abbreviate(col.values())));
          }
          features[at + k] = 1;
          at += col.values().size();
        } else {
          features[at++] = (float) ((number(r, index[c], col.name(), name) - col.mean()) / col.std());
        }
      }
      String label = r.cells().get(labelIndex).strip();
      if (d.task() == Task.REGRESSION) {
        targets[i] = (float) number(r, labelIndex, d.label(), name);
      } else {
        Integer k = classIndex.get(label);
        if (k == null && parse(label) != null) {
          k = classIndex.get(format(parse(label)));
        }
        if (k == null) {
          throw new DataFormatException(name + ":" + r.line(), "label '%s' is '%s', not one of the declared classes %s"
              .formatted(d.label(), label, abbreviate(d.classes())));
        }
        targets[i] = k;
      }
    }
    return new Dataset(schema, features, targets);
  }

  private static double number(CsvReader.Row r, int c, String column, String name) throws DataFormatException {
    String cell = r.cells().get(c).strip();
    String where = name + ":" + r.line();
    if (cell.isEmpty()) {
      throw new DataFormatException(where, "column '%s' is empty; every cell needs a value".formatted(column));
    }
    Double v = parse(cell);
    if (v == null) {
      String lower = cell.toLowerCase(java.util.Locale.ROOT);
      if (lower.equals("nan") || lower.contains("inf")) {
        throw new DataFormatException(where, "column '%s' is %s; values must be finite numbers".formatted(column, cell));
      }
      throw new DataFormatException(where, "column '%s' is '%s', not a number".formatted(column, cell));
    }
    return v;
  }

  /** The cell as a finite number, or null. */
  static Double parse(String cell) {
    if (cell.isEmpty()) {
      return null;
    }
    char c = cell.charAt(cell.length() - 1);
    if (!(Character.isDigit(c) || c == '.')) {
      return null; // refuses "NaN", "Infinity", and Java's "1d"/"1f" suffixes
    }
    try {
      double v = Double.parseDouble(cell);
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A class value as text: whole numbers without a decimal point. */
  static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static String abbreviate(List<String> values) {
    return values.size() <= 12 ? values.toString() : values.subList(0, 12) + " and " + (values.size() - 12) + " more";
  }
}
