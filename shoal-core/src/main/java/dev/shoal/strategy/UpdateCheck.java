package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.TensorSource;

/** Validates an update against the global model before it may be aggregated. */
public final class UpdateCheck {

  private UpdateCheck() {}

  /**
   * Reads the update one block at a time. Rejects updates whose tensor names or shapes differ from {@code global}, that contain NaN or
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
      float[] value = new float[1];
      int[] index = {-1};
      update.scan(name, (values, from, length) -> {
        int i = index[0] < 0 ? firstNonFinite(values, length) : -1;
        if (i >= 0) {
          value[0] = values[i];
          index[0] = from + i;
        }
      });
      if (index[0] >= 0) {
        throw new UpdateRejectedException(
            "tensor '%s' holds a non-finite value (%s) at index %d".formatted(name, value[0], index[0]));
      }
    }
    SubtreeSum.check(global, update);
  }

  /** The index of the first NaN or infinity in {@code values[0..length)}, or -1: a branch-free pass first. */
  private static int firstNonFinite(float[] values, int length) {
    int exponents = 0;
    for (int i = 0; i < length; i++) {
      // an all-ones exponent (NaN or infinity) plus its lowest bit carries into the sign bit
      exponents |= (Float.floatToRawIntBits(values[i]) & 0x7f800000) + 0x00800000;
    }
    if (exponents >= 0) {
      return -1;
    }
    for (int i = 0; i < length; i++) {
      if (!Float.isFinite(values[i])) {
        return i;
      }
    }
    throw new AssertionError("a non-finite value that is not there");
  }
}
