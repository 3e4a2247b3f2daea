package dev.shoal.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.Trainer;
import dev.shoal.train.OptimizerConfig;

/**
 * Plain SGD's step done in place, w ← w − lr·g, then g ← 0: two passes over each trained
 * parameter's gradient and one over the parameter, and no memory allocated. DJL's own step (its
 * parameter server and optimiser) first duplicates every gradient and then allocates temporaries
 * in the update, per parameter and step, which for small batches costs about as much as the
 * backward pass. Frozen parameters (no gradient) are left alone, as by DJL's step.
 */
final class SgdStep {

  private SgdStep() {}

  /** Whether {@code optimizer} is plain SGD (no momentum, no weight decay), which this step does. */
  static boolean applies(OptimizerConfig optimizer) {
    return optimizer.kind() == OptimizerConfig.Kind.SGD && optimizer.momentum() == 0 && optimizer.weightDecay() == 0;
  }

  /**
   * One step of {@code trainer}'s parameters at learning rate {@code lr}, with autograd off on this
   * thread while it runs (PyTorch refuses to change a leaf that requires gradients in place while
   * recording, and the recording mode is per thread, whatever a collector left on it).
   */
  static void step(Trainer trainer, float lr) {
    boolean recording = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      for (Parameter p : trainer.getModel().getBlock().getParameters().values()) {
        NDArray w = p.getArray();
        if (p.requiresGradient() && w.hasGradient()) {
          try (NDArray g = w.getGradient()) {
            g.muli(lr);
            w.subi(g);
            g.subi(g);
          }
        }
      }
    } finally {
      JniUtils.setGradMode(recording);
    }
  }
}
