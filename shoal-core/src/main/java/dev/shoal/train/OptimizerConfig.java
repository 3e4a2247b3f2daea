package dev.shoal.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The local optimiser, with PyTorch's meaning for every setting: {@code sgd} (optional momentum,
 * Nesterov momentum, L2 weight decay added to the gradient), {@code adam} (weight decay added to
 * the gradient) and {@code adamw} (decoupled weight decay).
 *
 * @param kind which optimiser
 * @param momentum SGD momentum in [0, 1); 0 is plain SGD
 * @param nesterov Nesterov momentum (SGD with momentum only)
 * @param weightDecay weight decay, 0 or more
 * @param beta1 Adam's first-moment decay in [0, 1)
 * @param beta2 Adam's second-moment decay in [0, 1)
 * @param epsilon Adam's denominator term, positive
 */
public record OptimizerConfig(
    Kind kind, double momentum, boolean nesterov, double weightDecay, double beta1, double beta2, double epsilon) {

  /** Plain SGD: what Shoal used before optimisers were configurable. */
  public static final OptimizerConfig SGD = new OptimizerConfig(Kind.SGD, 0, false, 0, 0.9, 0.999, 1e-8);

  /** The optimisers. */
  public enum Kind {
    SGD, ADAM, ADAMW;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The optimiser called {@code name}.
     *
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    public static Kind parse(String name) {
      String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
      for (Kind k : values()) {
        if (k.id().equals(key)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown optimizer '%s'; use one of %s".formatted(name,
          Arrays.stream(values()).map(Kind::id).collect(Collectors.joining(", "))));
    }
  }

  public OptimizerConfig {
    if (kind == null) {
      throw new IllegalArgumentException("optimizer kind is required");
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (nesterov && (kind != Kind.SGD || momentum == 0)) {
      throw new IllegalArgumentException("nesterov needs the sgd optimizer with a momentum above 0");
    }
    if (momentum > 0 && kind != Kind.SGD) {
      throw new IllegalArgumentException("momentum is an sgd setting; " + kind.id() + " uses beta1 and beta2");
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be 0 or more, got " + weightDecay);
    }
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1), got %s and %s".formatted(beta1, beta2));
    }
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
    }
  }

  /** An optimiser of {@code kind} with PyTorch's defaults (Adam: betas 0.9, 0.999, eps 1e-8; AdamW: weight decay 0.01). */
  public static OptimizerConfig of(Kind kind) {
    return new OptimizerConfig(kind, 0, false, kind == Kind.ADAMW ? 0.01 : 0, 0.9, 0.999, 1e-8);
  }

  /** A short description, e.g. {@code sgd(momentum=0.9, nesterov)} or {@code adam}. */
  public String describe() {
    StringBuilder s = new StringBuilder(kind.id());
    var parts = new java.util.ArrayList<String>();
    if (momentum > 0) {
      parts.add("momentum=" + momentum);
    }
    if (nesterov) {
      parts.add("nesterov");
    }
    if (weightDecay > 0) {
      parts.add("weight_decay=" + weightDecay);
    }
    if (kind != Kind.SGD && (beta1 != 0.9 || beta2 != 0.999 || epsilon != 1e-8)) {
      parts.add("betas=" + beta1 + "," + beta2 + " eps=" + epsilon);
    }
    return parts.isEmpty() ? s.toString() : s.append('(').append(String.join(", ", parts)).append(')').toString();
  }
}
