package dev.shoal.app;

import dev.shoal.data.DataSpec;
import dev.shoal.train.FitConfig;
import dev.shoal.train.LossFunction;
import dev.shoal.train.OptimizerConfig;
import java.util.Optional;

/**
 * What a job learns from and how: the data ({@code --data} and its options; empty for the MNIST
 * sample or {@code --data-dir}) and the loss, optimiser and gradient clipping of local training.
 */
record Learning(Optional<DataSpec> data, LossFunction loss, OptimizerConfig optimizer, double clipNorm) {

  /** The MNIST sample, plain SGD on the task's usual loss, no clipping. */
  static final Learning DEFAULT = new Learning(Optional.empty(), LossFunction.AUTO, OptimizerConfig.SGD, 0);

  /** The same settings over {@code other} data. */
  Learning withData(Optional<DataSpec> other) {
    return new Learning(other, loss, optimizer, clipNorm);
  }

  /** The fit configuration of {@code job}'s local training. */
  FitConfig fit(Job job) {
    return new FitConfig(job.localEpochs(), job.batchSize(), job.lr(), job.seed(), loss, optimizer, clipNorm);
  }

  /** The settings that differ from plain SGD, as lines of the run's description; empty when none do. */
  String describe() {
    String s = "";
    if (loss != LossFunction.AUTO) {
      s += "loss=" + loss.id() + "\n";
    }
    if (!optimizer.equals(OptimizerConfig.SGD)) {
      s += "optimizer=" + optimizer.describe() + "\n";
    }
    if (clipNorm > 0) {
      s += "clip-norm=" + clipNorm + "\n";
    }
    return s;
  }

  /** A short description for the console, e.g. {@code adam, loss mse, clip-norm 1.0}. */
  String summary() {
    return optimizer.describe() + (loss == LossFunction.AUTO ? "" : ", loss " + loss.id())
        + (clipNorm > 0 ? ", clip-norm " + clipNorm : "");
  }
}
