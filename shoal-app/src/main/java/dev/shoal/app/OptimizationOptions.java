package dev.shoal.app;

import dev.shoal.train.LossFunction;
import dev.shoal.train.OptimizerConfig;
import dev.shoal.train.TrainableParameters;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The loss, optimiser and gradient clipping of local training: shared by commands. */
final class OptimizationOptions {

  @Option(names = "--loss", defaultValue = "auto", paramLabel = "LOSS", description = "auto, cross-entropy, bce-with-logits, mse, l1 or huber; auto is the task's usual one (default: ${DEFAULT-VALUE}).")
  String loss;

  @Option(names = "--optimizer", defaultValue = "sgd", paramLabel = "NAME", description = "sgd, adam or adamw, with PyTorch's meaning (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum in [0, 1) (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--nesterov", description = "Nesterov momentum (sgd with --momentum above 0).")
  boolean nesterov;

  @Option(names = "--weight-decay", paramLabel = "WD", description = "Weight decay: L2 added to the gradient for sgd and adam, decoupled for adamw (default: 0, or 0.01 for adamw).")
  Double weightDecay;

  @Option(names = "--clip-norm", defaultValue = "0", paramLabel = "NORM", description = "Scale each step's gradients down to this global L2 norm; 0 is off (default: ${DEFAULT-VALUE}).")
  double clipNorm;

  @Option(names = "--train-params", paramLabel = "GLOB", split = ",", description = "Train and exchange only the tensors whose state_dict name matches (repeatable; * any characters, ? one); the rest stays frozen, as the architecture has it (default: every tensor).")
  List<String> trainParams = new ArrayList<>();

  /** {@code base} with these settings, learning from {@code data}. */
  TrainingSpec apply(TrainingSpec base, java.util.Optional<dev.shoal.data.DataSpec> data) {
    Settings s = resolve();
    return new TrainingSpec(base.model(), base.localEpochs(), base.batchSize(), base.lr(), base.seed(), s.loss(),
        s.optimizer(), s.clipNorm(), trainable(), data);
  }

  /** The tensors {@code --train-params} selects. */
  TrainableParameters trainable() {
    return UserError.check(() -> new TrainableParameters(trainParams));
  }

  /** The loss, optimiser and clipping of these options. */
  record Settings(LossFunction loss, OptimizerConfig optimizer, double clipNorm) {}

  Settings resolve() {
    OptimizerConfig.Kind kind = UsageError.checkOption(() -> OptimizerConfig.Kind.parse(optimizer));
    LossFunction lossFunction = UsageError.checkOption(() -> LossFunction.parse(loss));
    OptimizerConfig defaults = OptimizerConfig.of(kind);
    OptimizerConfig o = UserError.check(() -> new OptimizerConfig(kind, momentum, nesterov,
        weightDecay == null ? defaults.weightDecay() : weightDecay, defaults.beta1(), defaults.beta2(), defaults.epsilon()));
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new UserError("--clip-norm must be 0 (off) or positive, got " + clipNorm);
    }
    return new Settings(lossFunction, o, clipNorm);
  }
}
