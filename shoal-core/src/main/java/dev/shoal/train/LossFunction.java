package dev.shoal.train;

import dev.shoal.data.Task;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The loss local training minimises. {@link #AUTO} picks the task's usual one: cross-entropy for
 * classification, binary cross-entropy with logits for binary, mean squared error for regression.
 */
public enum LossFunction {
  AUTO("auto"),
  /** Softmax cross-entropy over the class logits. */
  CROSS_ENTROPY("cross-entropy"),
  /** Binary cross-entropy on one logit (sigmoid inside the loss, numerically stable). */
  BCE_WITH_LOGITS("bce-with-logits"),
  /** Mean squared error. */
  MSE("mse"),
  /** Mean absolute error. */
  L1("l1"),
  /** Huber loss with delta 1: squared below 1, absolute above. */
  HUBER("huber");

  private final String id;

  LossFunction(String id) {
    this.id = id;
  }

  /** The name on the command line and on the wire. */
  public String id() {
    return id;
  }

  /** This loss, or the task's usual one for {@link #AUTO}. */
  public LossFunction resolve(Task task) {
    if (this != AUTO) {
      return this;
    }
    return switch (task) {
      case CLASSIFICATION -> CROSS_ENTROPY;
      case BINARY -> BCE_WITH_LOGITS;
      case REGRESSION -> MSE;
    };
  }

  /**
   * Checks that this (resolved) loss suits {@code task}.
   *
   * @throws IllegalArgumentException saying which losses the task takes
   */
  public void requireSuits(Task task) {
    boolean ok = switch (resolve(task)) {
      case CROSS_ENTROPY -> task == Task.CLASSIFICATION;
      case BCE_WITH_LOGITS -> task == Task.BINARY;
      default -> task == Task.REGRESSION;
    };
    if (!ok) {
      throw new IllegalArgumentException("loss '%s' does not suit a %s task; use %s".formatted(id, task,
          switch (task) {
            case CLASSIFICATION -> "cross-entropy";
            case BINARY -> "bce-with-logits";
            case REGRESSION -> "mse, l1 or huber";
          }));
    }
  }

  /**
   * The loss called {@code name}.
   *
   * @throws IllegalArgumentException naming the value and the allowed ones
   */
  public static LossFunction parse(String name) {
    String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    for (LossFunction l : values()) {
      if (l.id.equals(key)) {
        return l;
      }
    }
    throw new IllegalArgumentException("unknown loss '%s'; use one of %s".formatted(name,
        Arrays.stream(values()).map(LossFunction::id).collect(Collectors.joining(", "))));
  }

  @Override
  public String toString() {
    return id;
  }
}
