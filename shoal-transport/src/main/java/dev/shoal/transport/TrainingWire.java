package dev.shoal.transport;

import dev.shoal.train.FitConfig;
import dev.shoal.train.LossFunction;
import dev.shoal.train.OptimizerConfig;
import dev.shoal.transport.proto.Assignment;
import dev.shoal.transport.proto.TrainingSettings;

/** A {@link FitConfig} on the wire and back: the base fields of {@link Assignment}, and its {@link TrainingSettings}. */
final class TrainingWire {

  private TrainingWire() {}

  static TrainingSettings settings(FitConfig c) {
    OptimizerConfig o = c.optimizer();
    return TrainingSettings.newBuilder().setLoss(c.loss().id()).setOptimizer(o.kind().id())
        .setMomentum(o.momentum()).setNesterov(o.nesterov()).setWeightDecay(o.weightDecay())
        .setBeta1(o.beta1()).setBeta2(o.beta2()).setEpsilon(o.epsilon()).setClipNorm(c.clipNorm()).build();
  }

  /**
   * The fit configuration of an assignment; plain SGD on the task's usual loss when it carries no settings.
   *
   * @throws IllegalArgumentException for settings this node cannot use
   */
  static FitConfig config(Assignment a) {
    if (!a.hasTraining()) {
      return new FitConfig(a.getEpochs(), a.getBatchSize(), a.getLearningRate(), a.getSeed());
    }
    TrainingSettings t = a.getTraining();
    var optimizer = new OptimizerConfig(OptimizerConfig.Kind.parse(t.getOptimizer()), t.getMomentum(),
        t.getNesterov(), t.getWeightDecay(), t.getBeta1(), t.getBeta2(), t.getEpsilon());
    return new FitConfig(a.getEpochs(), a.getBatchSize(), a.getLearningRate(), a.getSeed(),
        LossFunction.parse(t.getLoss()), optimizer, t.getClipNorm());
  }
}
