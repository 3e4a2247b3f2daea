package dev.shoal.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Labelled examples for any engine: each example's features are {@link Schema#inputSize()}
 * float values laid out in the schema's input shape (row-major), and its target is a class index
 * ({@code 0 .. classes-1}) or, for regression, a number. Loaders (CSV, NumPy, image folders,
 * IDX) produce it; partitioners split it; trainers read it one mini-batch at a time.
 *
 * <p>A dataset is immutable: the arrays handed to the constructor are owned by it, and
 * accessors return copies.
 */
public final class Dataset {

  /** Regression targets are cut into this many quantile bins when a partitioner needs strata. */
  public static final int STRATA_BINS = 10;

  private final Schema schema;
  private final float[] features;
  private final float[] targets;

  /**
   * @param schema what the examples are
   * @param features {@code n × schema.inputSize()} values, example after example
   * @param targets {@code n} targets: class indices (as whole numbers) or regression values
   * @throws IllegalArgumentException if the lengths do not fit, a value is not finite, or a class
   *     index is outside the schema's classes; the message names the example
   */
  public Dataset(Schema schema, float[] features, float[] targets) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.features = Objects.requireNonNull(features, "features");
    this.targets = Objects.requireNonNull(targets, "targets");
    int width = schema.inputSize();
    if ((long) targets.length * width != features.length) {
      throw new IllegalArgumentException("%d examples of %d values need %d feature values, got %d"
          .formatted(targets.length, width, (long) targets.length * width, features.length));
    }
    for (int i = 0; i < targets.length; i++) {
      float t = targets[i];
      if (!Float.isFinite(t)) {
        throw new IllegalArgumentException("example %d: target is %s".formatted(i, t));
      }
      if (schema.task().hasClasses() && (t != Math.rint(t) || t < 0 || t >= schema.classCount())) {
        throw new IllegalArgumentException("example %d: class index %s is outside 0..%d"
            .formatted(i, t, schema.classCount() - 1));
      }
    }
    for (int k = 0; k < features.length; k++) {
      if (!Float.isFinite(features[k])) {
        throw new IllegalArgumentException("example %d: feature %d is %s".formatted(k / width, k % width, features[k]));
      }
    }
  }

  public Schema schema() {
    return schema;
  }

  /** Number of examples. */
  public int size() {
    return targets.length;
  }

  /** Number of feature values per example. */
  public int inputSize() {
    return schema.inputSize();
  }

  /** Writes example {@code i}'s features into {@code out} from {@code offset}. */
  public void copyFeatures(int i, float[] out, int offset) {
    int n = schema.inputSize();
    System.arraycopy(features, i * n, out, offset, n);
  }

  /** Feature {@code j} of example {@code i}. */
  public float feature(int i, int j) {
    return features[i * schema.inputSize() + j];
  }

  /** Example {@code i}'s target: its class index, or its regression value. */
  public float target(int i) {
    return targets[i];
  }

  /** Example {@code i}'s class index. */
  public int label(int i) {
    return (int) targets[i];
  }

  /** All features, example after example (a copy). */
  public float[] features() {
    return features.clone();
  }

  /** All targets (a copy). */
  public float[] targets() {
    return targets.clone();
  }

  /**
   * What partitioners group examples by: the class index, or for regression the target's
   * quantile bin (one of {@value #STRATA_BINS}, equal values in the same bin).
   */
  public int[] strata() {
    int n = targets.length;
    int[] strata = new int[n];
    if (schema.task().hasClasses()) {
      for (int i = 0; i < n; i++) {
        strata[i] = (int) targets[i];
      }
      return strata;
    }
    float[] sorted = targets.clone();
    Arrays.sort(sorted);
    float[] cuts = new float[STRATA_BINS - 1];
    for (int b = 1; b < STRATA_BINS; b++) {
      cuts[b - 1] = sorted[(int) ((long) n * b / STRATA_BINS)];
    }
    for (int i = 0; i < n; i++) {
      int bin = 0;
      while (bin < cuts.length && targets[i] >= cuts[bin]) {
        bin++;
      }
      strata[i] = bin;
    }
    return strata;
  }

  /** The examples at {@code indices}, in that order. */
  public Dataset subset(int[] indices) {
    int n = schema.inputSize();
    float[] f = new float[Math.multiplyExact(indices.length, n)];
    float[] t = new float[indices.length];
    for (int j = 0; j < indices.length; j++) {
      System.arraycopy(features, indices[j] * n, f, j * n, n);
      t[j] = targets[indices[j]];
    }
    return new Dataset(schema, f, t, true);
  }

  /** The same examples under {@code other}, which must have the same input size and suit the targets. */
  public Dataset withSchema(Schema other) {
    return new Dataset(other, features, targets);
  }

  /** Trusted construction from checked arrays. */
  private Dataset(Schema schema, float[] features, float[] targets, boolean checked) {
    this.schema = schema;
    this.features = features;
    this.targets = targets;
  }

  @Override
  public String toString() {
    return "Dataset[%d examples, %s]".formatted(size(), schema.summary());
  }
}
