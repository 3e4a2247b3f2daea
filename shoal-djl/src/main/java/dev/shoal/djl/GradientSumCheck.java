package dev.shoal.djl;

import ai.djl.training.Trainer;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns off DJL's check, before a trainer's first step, that "gradient values are all zeros".
 * The check adds up every gradient with its sign and fails when the total is 0; it is meant to
 * catch a step taken without a backward pass. For a softmax regression ({@code logreg}) that
 * signed total is zero in exact arithmetic whatever the data — the gradients of the ten outputs
 * cancel — so in float32 it is often exactly 0 and DJL refuses a correct first step: about one
 * client in ten failed with Synthetic(1, 1) data. Shoal's training loop always runs the backward
 * pass before the step, so the check has nothing to find. DJL offers no switch for it, so this
 * marks the trainer's gradients as already checked; if a DJL version no longer has the field,
 * the check stays on and this says so in the log once.
 */
final class GradientSumCheck {

  private static final Logger log = LoggerFactory.getLogger(GradientSumCheck.class);
  private static final Field CHECKED = field();

  private GradientSumCheck() {}

  /** Skips the signed-sum check on {@code trainer}'s first step. */
  static void skip(Trainer trainer) {
    if (CHECKED == null) {
      return;
    }
    try {
      CHECKED.setBoolean(trainer, true);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot mark DJL's gradient check done", e);
    }
  }

  private static Field field() {
    try {
      Field f = Trainer.class.getDeclaredField("gradientsChecked");
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException | RuntimeException e) {
      log.warn("gradient check kept reason=\"{}\"", "this DJL version's trainer has no gradientsChecked field; "
          + "a logreg first step whose gradients sum to 0 may be refused");
      return null;
    }
  }
}
