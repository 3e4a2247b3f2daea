package dev.shoal.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;

/**
 * Clips the gradients of one step by their global L2 norm, as PyTorch's {@code
 * clip_grad_norm_}: when the norm of all gradients together exceeds {@code max}, every gradient
 * is scaled by {@code max / norm}.
 */
final class GradientClipping {

  private GradientClipping() {}

  /** Clips in place; returns the norm before clipping. */
  static double clip(Trainer trainer, double max) {
    double sum = 0;
    for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
      NDArray array = p.getValue().getArray();
      if (array.hasGradient()) {
        try (NDArray squares = array.getGradient().square().sum()) {
          sum += squares.getFloat();
        }
      }
    }
    double norm = Math.sqrt(sum);
    if (norm > max) {
      float scale = (float) (max / (norm + 1e-6));
      for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
        NDArray array = p.getValue().getArray();
        if (array.hasGradient()) {
          array.getGradient().muli(scale);
        }
      }
    }
    return norm;
  }
}
