package dev.shoal.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.shoal.data.Dataset;
import dev.shoal.strategy.FedProx;
import dev.shoal.strategy.QFedAvg;
import dev.shoal.strategy.Scaffold;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains and evaluates one model architecture with DJL on PyTorch's CPU engine.
 *
 * <p>Training is mini-batch descent with the configured optimiser (plain SGD by default) on the
 * configured loss (by default the task's usual one: softmax cross-entropy for classification,
 * binary cross-entropy with logits for binary, mean squared error for regression), optionally
 * clipping each step's gradients by their global norm. A round's {@code proximal-mu} (FedProx) adds
 * μ·(w − w_global) to every step's gradients, a gradient shift (SCAFFOLD's c − cᵢ) adds the shift;
 * both before clipping. Each epoch visits the examples in a fresh order drawn from a {@link Random} seeded with {@link
 * FitConfig#seed()}, so a fit is repeatable. {@link #initialParameters} uses PyTorch's default
 * initialisation for linear and convolution layers ({@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} for
 * weights and biases), computed in Java from the seed.
 *
 * <p>Every call builds its own model and native memory, released before it returns; calls may run
 * concurrently from several threads.
 */
public final class DjlTrainer implements Trainer {

  /** Mean training loss over the examples of the last local epoch. */
  public static final String TRAIN_LOSS = "train_loss";

  /** Fraction of the last local epoch's examples classified correctly while training (not for regression). */
  public static final String TRAIN_ACCURACY = "train_accuracy";

  private static final Logger log = LoggerFactory.getLogger(DjlTrainer.class);

  private final String model;
  private final ModelSpec spec;
  private final TrainingLoop loop;
  private final Set<String> trainable;
  private volatile ParameterLayout layout;

  /** A trainer for {@code spec}, called {@code model} in messages and logs. */
  public DjlTrainer(String model, ModelSpec spec) {
    this(model, spec, null);
  }

  private DjlTrainer(String model, ModelSpec spec, Set<String> trainable) {
    this.model = Objects.requireNonNull(model, "model");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.loop = new TrainingLoop(model, spec.inputShape());
    this.trainable = trainable == null ? null : Set.copyOf(trainable);
  }

  /**
   * This trainer with only the parameters named {@code trainable} changed by {@link #fit}: the
   * others are frozen (no gradient, no optimiser step).
   */
  public DjlTrainer withTrainable(Set<String> trainable) {
    return new DjlTrainer(model, spec, Objects.requireNonNull(trainable, "trainable"));
  }

  /** The model's name. */
  public String model() {
    return model;
  }

  /** The model's parameters: names, shapes, order. Starts the engine on first use. */
  public ParameterLayout layout() {
    ParameterLayout l = layout;
    if (l == null) {
      synchronized (this) {
        l = layout;
        if (l == null) {
          l = ParameterLayout.of(model, spec);
          layout = l;
        }
      }
    }
    return l;
  }

  @Override
  public ParameterSet initialParameters(long seed) {
    return DefaultInitializer.initialize(layout(), seed);
  }

  @Override
  public Set<String> understoodSettings() {
    return Set.of(FedProx.PROXIMAL_MU, Scaffold.SETTING, QFedAvg.SETTING);
  }

  @Override
  public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
    return fit(parameters, data, config, null);
  }

  @Override
  public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config, ParameterSet gradientShift) {
    Objects.requireNonNull(config, "config");
    loop.checkData(data, "train on");
    ParameterLayout l = layout();
    l.check(parameters);
    long started = System.nanoTime();
    // q-FedAvg weighs the client by its loss at the model it received
    Double startLoss = config.settings().get(QFedAvg.SETTING).isPresent() ? evaluate(parameters, data).loss() : null;
    TrainingLoop.Setup setup = TrainingLoop.setup(config, data);
    try (Model m = newModel();
        ai.djl.training.Trainer trainer = m.newTrainer(setup.config())) {
      trainer.initialize(spec.batchShape(1));
      GradientSumCheck.skip(trainer);
      BlockParameters.load(l, m.getBlock(), parameters);
      if (trainable != null) {
        BlockParameters.freezeAllBut(l, m.getBlock(), trainable);
      }
      double mu = config.settings().number(FedProx.PROXIMAL_MU).orElse(0);
      if (!(mu >= 0)) {
        throw new IllegalArgumentException("setting proximal-mu must be >= 0, got " + mu);
      }
      GradientCorrection correction = GradientCorrection.of(l, trainer.getManager(), mu, parameters, gradientShift);
      EpochStats last = loop.epochs(trainer, data, config, setup, correction, null);
      ParameterSet trained = BlockParameters.read(l, m.getBlock(), parameters.metadata());
      loop.checkFinite(trained, last, config);
      log.debug(
          "fit model={} examples={} epochs={} batch_size={} learning_rate={} loss={} optimizer=\"{}\" train_loss={} train_accuracy={} millis={}",
          model, data.size(), config.epochs(), config.batchSize(), config.learningRate(), setup.loss().id(),
          config.optimizer().describe(), last.loss(), last.accuracy(), (System.nanoTime() - started) / 1_000_000);
      Map<String, Double> metrics = new HashMap<>(last.metrics());
      if (startLoss != null) {
        metrics.put(QFedAvg.METRIC, startLoss);
      }
      return new FitOutcome(trained, data.size(), metrics);
    }
  }

  @Override
  public Evaluation evaluate(ParameterSet parameters, Dataset data) {
    loop.checkData(data, "evaluate on");
    ParameterLayout l = layout();
    l.check(parameters);
    try (Model m = newModel()) {
      Block block = m.getBlock();
      block.initialize(m.getNDManager(), DataType.FLOAT32, spec.batchShape(1));
      BlockParameters.load(l, block, parameters);
      block.freezeParameters(true);
      return loop.evaluate(block, m.getNDManager(), data);
    }
  }

  private Model newModel() {
    Model m = DjlEngine.get().newModel(model, Device.cpu());
    m.setBlock(spec.newBlock());
    return m;
  }
}
