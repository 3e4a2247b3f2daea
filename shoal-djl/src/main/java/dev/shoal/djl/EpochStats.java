package dev.shoal.djl;

import ai.djl.ndarray.NDArray;

/** Running mean loss and accuracy over the batches of one pass. */
final class EpochStats {

  private double lossSum;
  private long correct;
  private long examples;

  /** Adds a batch of {@code n} examples whose mean loss is {@code meanLoss}. */
  void add(int n, NDArray meanLoss, NDArray logits, NDArray labels) {
    lossSum += (double) meanLoss.getFloat() * n;
    correct += logits.argMax(1).eq(labels).countNonzero().getLong();
    examples += n;
  }

  double loss() {
    return lossSum / examples;
  }

  double accuracy() {
    return (double) correct / examples;
  }
}
