package dev.shoal.djl;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.shoal.train.OptimizerConfig;

/** DJL's optimisers for Shoal's {@link OptimizerConfig}, at a fixed learning rate. */
final class Optimizers {

  private Optimizers() {}

  static Optimizer of(OptimizerConfig c, double learningRate) {
    Tracker lr = Tracker.fixed((float) learningRate);
    float wd = (float) c.weightDecay();
    return switch (c.kind()) {
      case SGD -> {
        if (c.nesterov()) {
          yield Optimizer.nag().setLearningRateTracker(lr).setMomentum((float) c.momentum()).optWeightDecays(wd).build();
        }
        var sgd = Optimizer.sgd().setLearningRateTracker(lr);
        if (c.momentum() > 0) {
          sgd.optMomentum((float) c.momentum());
        }
        if (wd > 0) {
          sgd.optWeightDecays(wd);
        }
        yield sgd.build();
      }
      case ADAM -> Optimizer.adam().optLearningRateTracker(lr).optBeta1((float) c.beta1())
          .optBeta2((float) c.beta2()).optEpsilon((float) c.epsilon()).optWeightDecays(wd).build();
      case ADAMW -> Optimizer.adamW().optLearningRateTracker(lr).optBeta1((float) c.beta1())
          .optBeta2((float) c.beta2()).optEpsilon((float) c.epsilon()).optWeightDecays(wd).build();
    };
  }
}
