package dev.shoal.djl;

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

  /**
   * Adds a batch of {@code n} examples whose mean loss is {@code meanLoss}, from the model's
   * {@code outputs} copied to the host (row-major, one row per example) and the batch's targets:
   * one copy instead of an engine call per statistic.
   */
  void add(int n, float meanLoss, float[] outputs, float[] targets) {
    lossSum += (double) meanLoss * n;
    switch (task) {
      case CLASSIFICATION -> {
        int width = outputs.length / n;
        for (int j = 0; j < n; j++) {
          correct += argMax(outputs, j * width, width) == (int) targets[j] ? 1 : 0;
        }
      }
      case BINARY -> {
        for (int j = 0; j < n; j++) {
          correct += (outputs[j] > 0f ? 1f : 0f) == targets[j] ? 1 : 0;
        }
      }
      case REGRESSION -> { }
    }
    examples += n;
  }

  /** The index of the first largest of {@code width} values from {@code from}, as PyTorch's argmax. */
  private static int argMax(float[] values, int from, int width) {
    int best = 0;
    for (int k = 1; k < width; k++) {
      if (values[from + k] > values[from + best]) {
        best = k;
      }
    }
    return best;
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
