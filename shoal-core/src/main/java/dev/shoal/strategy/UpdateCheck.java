package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.tensor.TensorSource;

/** Validates an update against the global model before it may be aggregated. */
public final class UpdateCheck {

  private UpdateCheck() {}

  /**
   * Reads the update one tensor at a time. Rejects updates whose tensor names or shapes differ from {@code global}, that contain NaN or
   * infinite values, or that claim no examples; a relay's update may carry its {@link SubtreeSum} beside its tensors.
   */
  public static void check(ParameterSet global, TensorSource update, long numExamples) throws UpdateRejectedException {
    var mismatch = global.layoutMismatch(SubtreeSum.modelOf(update));
    if (mismatch.isPresent()) {
      throw new UpdateRejectedException(mismatch.get());
    }
    if (numExamples <= 0) {
      throw new UpdateRejectedException("num_examples must be positive, got " + numExamples);
    }
    for (String name : update.names()) {
      Tensor t = update.read(name);
      float[] d = t.data();
      for (int i = 0; i < d.length; i++) {
        if (!Float.isFinite(d[i])) {
          throw new UpdateRejectedException(
              "tensor '%s' holds a non-finite value (%s) at index %d".formatted(t.name(), d[i], i));
        }
      }
    }
    SubtreeSum.check(global, update);
  }
}
