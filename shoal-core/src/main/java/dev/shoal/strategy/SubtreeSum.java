package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.TensorSource;
import java.util.Optional;

/**
 * A relay's partial sum, sent exactly beside its partial mean. The relay's {@link WeightedSum} of
 * its nodes' updates, s = Σ nᵢ·(mᵢ − g), is exact in double precision for a model's values (their
 * products with example counts fall on a common grid of under 53 bits), and so is the flat
 * federation's; the mean g + s/W rounded to float32 is not, and folding rounded means gives
 * another model whenever the flat mean is an exact tie between two float32 values (about one
 * coordinate in W). So beside each tensor the relay sends s split into three float32 tensors,
 * a = float32(s), b = float32(s − a), c = float32(s − a − b), named {@code subtree-sum/1/<tensor>}
 * to {@code subtree-sum/3/<tensor>}; a + b + c is s exactly, and its parent adds s to its own sum
 * as if it had folded the relay's nodes itself. Only an update naming a {@link Subtree} may carry
 * them, and they must agree with its mean.
 */
public final class SubtreeSum {

  /** The prefix of a partial sum's tensor names. */
  public static final String PREFIX = "subtree-sum/";

  private static final int PARTS = 3;

  private SubtreeSum() {}

  /** The name of part {@code part} (1 to 3) of {@code tensor}'s partial sum. */
  public static String nameOf(String tensor, int part) {
    return PREFIX + part + "/" + tensor;
  }

  /** The update's model tensors, without a partial sum. */
  public static TensorSource modelOf(TensorSource update) {
    return update.without(PREFIX);
  }

  /** Whether the update carries a partial sum. */
  static boolean in(TensorSource update) {
    return update.names().stream().anyMatch(n -> n.startsWith(PREFIX));
  }

  /** The three parts of s, float32, for one tensor of s. */
  static float[][] split(double[] s) {
    float[][] parts = new float[PARTS][s.length];
    for (int i = 0; i < s.length; i++) {
      double rest = s[i];
      for (int p = 0; p < PARTS; p++) {
        parts[p][i] = (float) rest;
        rest -= parts[p][i];
      }
    }
    return parts;
  }

  /** Adds {@code scale} × the partial sum of {@code tensor} in {@code update} to {@code s}. */
  static void addTo(double[] s, TensorSource update, String tensor, double scale) {
    float[] a = update.read(nameOf(tensor, 1)).data();
    float[] b = update.read(nameOf(tensor, 2)).data();
    float[] c = update.read(nameOf(tensor, 3)).data();
    for (int i = 0; i < s.length; i++) {
      double sum = (double) a[i] + b[i] + c[i];
      s[i] += scale == 1 ? sum : scale * sum;
    }
  }

  private static long weight(TensorSource update) {
    return Subtree.of(update).orElseThrow().members().stream().mapToLong(Subtree.Member::examples).sum();
  }

  /**
   * Checks an update's partial sum against its model tensors (whose layout the caller has
   * checked) and the global model it was folded from.
   *
   * @throws UpdateRejectedException if the sum is in an update that names no subtree, lacks a
   *     part, has a part of another shape or larger than the rounding step of the part before it,
   *     or does not give the update's mean
   */
  static void check(ParameterSet global, TensorSource update) throws UpdateRejectedException {
    if (!in(update)) {
      return;
    }
    if (!update.metadata().containsKey(Subtree.METADATA)) {
      throw new UpdateRejectedException("the update carries a relay's partial sum ('" + PREFIX + "…' tensors) but"
          + " names no '" + Subtree.METADATA + "'");
    }
    long expected = (long) global.names().size() * PARTS;
    if (update.names().stream().filter(n -> n.startsWith(PREFIX)).count() != expected) {
      throw new UpdateRejectedException("a relay's partial sum has " + PARTS + " parts for each of the model's "
          + global.names().size() + " tensors");
    }
    double weight = weight(update);
    for (String tensor : global.names()) {
      float[][] parts = new float[PARTS][];
      for (int p = 0; p < PARTS; p++) {
        String name = nameOf(tensor, p + 1);
        var shape = update.shape(name);
        if (shape.isEmpty() || !java.util.Arrays.equals(shape.get(), global.read(tensor).shape())) {
          throw new UpdateRejectedException("partial sum '" + name + "' is missing or not of the shape of '" + tensor + "'");
        }
        parts[p] = update.read(name).data();
      }
      float[] mean = update.read(tensor).data();
      float[] g = global.read(tensor).data();
      for (int i = 0; i < mean.length; i++) {
        if (!(Math.abs(parts[1][i]) <= Math.ulp(parts[0][i]) && Math.abs(parts[2][i]) <= Math.ulp(parts[1][i]))) {
          throw new UpdateRejectedException("partial sum of '%s' at index %d is not split into float32 parts"
              .formatted(tensor, i));
        }
        double m = g[i] + ((double) parts[0][i] + parts[1][i] + parts[2][i]) / weight;
        if (!(Math.abs(m - mean[i]) <= Math.ulp(mean[i]))) {
          throw new UpdateRejectedException("partial sum of '%s' at index %d gives the mean %s, but the update holds %s"
              .formatted(tensor, i, m, mean[i]));
        }
      }
    }
  }

  /** The total example count of the subtree, if the update carries its partial sum. */
  static Optional<Long> weightOf(TensorSource update) {
    return in(update) ? Optional.of(weight(update)) : Optional.empty();
  }
}
