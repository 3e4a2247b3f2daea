package dev.shoal.djl;

import ai.djl.ndarray.NDArray;
import dev.shoal.data.Task;

/** Running mean loss and (for tasks with classes) accuracy over the batches of one pass. */
final class EpochStats {

  private final Task task;
  private double lossSum;
  private long correct;
  private long examples;

  EpochStats(Task task) {
    this.task = task;
  }

  /** Adds a batch of {@code n} examples whose mean loss is {@code meanLoss}. */
  void add(int n, NDArray meanLoss, NDArray outputs, NDArray targets) {
    lossSum += (double) meanLoss.getFloat() * n;
    switch (task) {
      case CLASSIFICATION -> correct += outputs.argMax(1).eq(targets).countNonzero().getLong();
      case BINARY -> correct += outputs.reshape(targets.getShape()).gt(0f).toType(targets.getDataType(), false)
          .eq(targets).countNonzero().getLong();
      case REGRESSION -> { }
    }
    examples += n;
  }

  double loss() {
    return lossSum / examples;
  }

  /** Share of examples classified right; NaN for regression. */
  double accuracy() {
    return task == Task.REGRESSION ? Double.NaN : (double) correct / examples;
  }

  /** The training metrics a fit reports: the mean loss, and the accuracy when the task has classes. */
  java.util.Map<String, Double> metrics() {
    var m = new java.util.HashMap<String, Double>();
    m.put(DjlTrainer.TRAIN_LOSS, loss());
    if (task.hasClasses()) {
      m.put(DjlTrainer.TRAIN_ACCURACY, accuracy());
    }
    return m;
  }
}
