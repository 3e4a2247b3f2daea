package dev.shoal.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import dev.shoal.train.LossFunction;

/**
 * The DJL losses behind Shoal's {@link LossFunction}s, each the mean over the batch. Cross-entropy
 * is DJL's softmax cross-entropy on int64 class indices; the others take one output per example
 * and float32 targets.
 */
final class TaskLosses {

  private TaskLosses() {}

  /** The loss for a resolved {@code loss} (not {@link LossFunction#AUTO}). */
  static Loss of(LossFunction loss) {
    return switch (loss) {
      case CROSS_ENTROPY -> Loss.softmaxCrossEntropyLoss();
      case BCE_WITH_LOGITS -> new OneOutput("bce_with_logits", TaskLosses::bceWithLogits);
      case MSE -> new OneOutput("mse", d -> d.square());
      case L1 -> new OneOutput("l1", NDArray::abs);
      case HUBER -> new OneOutput("huber", TaskLosses::huber);
      case AUTO -> throw new IllegalArgumentException("resolve the loss against the task first");
    };
  }

  /** Whether {@code loss} takes int64 class indices (else float32 targets). */
  static boolean takesClassIndices(LossFunction loss) {
    return loss == LossFunction.CROSS_ENTROPY;
  }

  /** max(x, 0) - x*y + log(1 + exp(-|x|)), element-wise; the sigmoid is inside, as in PyTorch. */
  private static NDArray bceWithLogits(NDArray x, NDArray y) {
    return x.maximum(0f).sub(x.mul(y)).add(x.abs().neg().exp().add(1f).log());
  }

  private static NDArray huber(NDArray d) {
    NDArray a = d.abs();
    return NDArrays.where(a.lt(1f), a.square().mul(0.5f), a.sub(0.5f));
  }

  private interface Elementwise {
    NDArray apply(NDArray prediction, NDArray target);
  }

  /** A loss on one output per example: {@code (n, 1)} or {@code (n)} predictions, {@code (n)} targets. */
  private static final class OneOutput extends Loss {

    private final Elementwise f;

    OneOutput(String name, Elementwise f) {
      super(name);
      this.f = f;
    }

    OneOutput(String name, java.util.function.UnaryOperator<NDArray> ofDifference) {
      this(name, (p, y) -> ofDifference.apply(p.sub(y)));
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
      NDArray p = predictions.singletonOrThrow();
      NDArray y = labels.singletonOrThrow();
      return f.apply(p.reshape(y.getShape()), y).mean();
    }
  }
}
