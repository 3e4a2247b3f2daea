package dev.shoal.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gradient recording for one training step, safe when several fits run at once.
 *
 * <p>DJL's PyTorch gradient collector allows only one open collector per JVM and fails the others;
 * this scope waits for its turn instead.
 */
final class GradientScope implements GradientCollector {

  private static final ReentrantLock TURN = new ReentrantLock();

  private final GradientCollector delegate;

  private GradientScope(GradientCollector delegate) {
    this.delegate = delegate;
  }

  static GradientScope open(Trainer trainer) {
    TURN.lock();
    try {
      return new GradientScope(trainer.newGradientCollector());
    } catch (RuntimeException | Error e) {
      TURN.unlock();
      throw e;
    }
  }

  @Override
  public void backward(NDArray target) {
    delegate.backward(target);
  }

  @Override
  public void zeroGradients() {
    delegate.zeroGradients();
  }

  @Override
  public void close() {
    try {
      delegate.close();
    } finally {
      TURN.unlock();
    }
  }
}
