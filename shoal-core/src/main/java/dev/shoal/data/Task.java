package dev.shoal.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a model learns from a dataset's targets: one of several classes ({@link #CLASSIFICATION}),
 * one of two ({@link #BINARY}, a single logit), or a number ({@link #REGRESSION}).
 */
public enum Task {
  /** One class among two or more; the model has one output (logit) per class. */
  CLASSIFICATION,
  /** One of exactly two classes; the model has one output, the logit of the second class. */
  BINARY,
  /** A real number; the model has one output. */
  REGRESSION;

  /** The name used on the command line, in files and in the run's identity. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the targets are class indices. */
  public boolean hasClasses() {
    return this != REGRESSION;
  }

  /**
   * The task called {@code name} (case and surrounding blanks ignored).
   *
   * @throws IllegalArgumentException naming the value and the allowed ones
   */
  public static Task parse(String name) {
    String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    for (Task t : values()) {
      if (t.id().equals(key)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown task '%s'; use one of %s".formatted(name,
        Arrays.stream(values()).map(Task::id).collect(Collectors.joining(", "))));
  }

  @Override
  public String toString() {
    return id();
  }
}
