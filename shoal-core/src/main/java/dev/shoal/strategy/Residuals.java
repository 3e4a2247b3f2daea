package dev.shoal.strategy;

import dev.shoal.tensor.Tensor;
import dev.shoal.tensor.TensorSource;
import java.util.Optional;

/**
 * The float32 rounding residual of a relay's subtree mean. A relay folds its nodes' updates in
 * double precision; rounding the mean m to float32 (hi) loses what its parent needs to fold the
 * tree as it would fold the flat set, so the relay sends lo = float32(m − hi) beside each tensor,
 * named {@code subtree-residual/<tensor>}, and its parent folds hi + lo. The pair carries about 48
 * of the mean's bits, against 24 in hi alone. Only an update naming a {@link Subtree} may carry
 * residuals, and each must be no larger than its value's float32 rounding step.
 */
public final class Residuals {

  /** The prefix of a residual tensor's name. */
  public static final String PREFIX = "subtree-residual/";

  private Residuals() {}

  /** The residual tensor's name for {@code tensor}. */
  public static String nameOf(String tensor) {
    return PREFIX + tensor;
  }

  /** The update's model tensors, without residuals. */
  public static TensorSource modelOf(TensorSource update) {
    return update.without(PREFIX);
  }

  /** The residual of {@code tensor} in {@code update}, if it carries one. */
  static Optional<float[]> of(TensorSource update, String tensor) {
    String name = nameOf(tensor);
    return update.shape(name).isPresent() ? Optional.of(update.read(name).data()) : Optional.empty();
  }

  /**
   * Checks an update's residuals against its model tensors (whose layout the caller has checked).
   *
   * @throws UpdateRejectedException if a residual is in an update that names no subtree, belongs
   *     to no model tensor, differs in shape, or exceeds its value's float32 rounding step
   */
  static void check(TensorSource update) throws UpdateRejectedException {
    boolean subtree = update.metadata().containsKey(Subtree.METADATA);
    for (String name : update.names()) {
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      if (!subtree) {
        throw new UpdateRejectedException("tensor '" + name + "' is a relay's rounding residual, but the update"
            + " names no '" + Subtree.METADATA + "'");
      }
      String tensor = name.substring(PREFIX.length());
      Optional<int[]> shape = update.shape(tensor);
      if (shape.isEmpty() || !java.util.Arrays.equals(shape.get(), update.shape(name).get())) {
        throw new UpdateRejectedException("residual '" + name + "' matches no model tensor of its shape");
      }
      float[] hi = update.read(tensor).data();
      Tensor lo = update.read(name);
      float[] d = lo.data();
      for (int i = 0; i < d.length; i++) {
        if (!(Math.abs(d[i]) <= Math.ulp(hi[i]))) {
          throw new UpdateRejectedException("residual '%s' at index %d is %s, larger than the rounding step %s of %s"
              .formatted(name, i, d[i], Math.ulp(hi[i]), hi[i]));
        }
      }
    }
  }
}
