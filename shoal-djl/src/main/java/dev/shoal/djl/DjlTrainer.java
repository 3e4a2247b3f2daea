package dev.shoal.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.shoal.data.Dataset;
import dev.shoal.data.Task;
import dev.shoal.strategy.FedProx;
import dev.shoal.strategy.QFedAvg;
import dev.shoal.strategy.Scaffold;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.LossFunction;
import dev.shoal.train.Metrics;
import dev.shoal.train.Trainer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
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
  private static final int EVALUATION_BATCH = 256;

  private final String model;
  private final ModelSpec spec;
  private volatile ParameterLayout layout;

  /** A trainer for {@code spec}, called {@code model} in messages and logs. */
  public DjlTrainer(String model, ModelSpec spec) {
    this.model = Objects.requireNonNull(model, "model");
    this.spec = Objects.requireNonNull(spec, "spec");
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
    checkData(data, "train on");
    ParameterLayout l = layout();
    l.check(parameters);
    long started = System.nanoTime();
    // q-FedAvg weighs the client by its loss at the model it received
    Double startLoss = config.settings().get(QFedAvg.SETTING).isPresent() ? evaluate(parameters, data).loss() : null;
    Task task = data.schema().task();
    LossFunction lossFunction = config.loss().resolve(task);
    lossFunction.requireSuits(task);
    var trainingConfig =
        new DefaultTrainingConfig(TaskLosses.of(lossFunction))
            .optDevices(new Device[] {Device.cpu()})
            .optOptimizer(Optimizers.of(config.optimizer(), config.learningRate()));
    try (Model m = newModel();
        ai.djl.training.Trainer trainer = m.newTrainer(trainingConfig)) {
      trainer.initialize(spec.batchShape(1));
      BlockParameters.load(l, m.getBlock(), parameters);
      double mu = config.settings().number(FedProx.PROXIMAL_MU).orElse(0);
      if (!(mu >= 0)) {
        throw new IllegalArgumentException("setting proximal-mu must be >= 0, got " + mu);
      }
      GradientCorrection correction = GradientCorrection.of(l, trainer.getManager(), mu, parameters, gradientShift);
      int n = data.size();
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      var random = new Random(config.seed());
      var batch = new Minibatch(spec, data.inputSize(), Math.min(config.batchSize(), n));
      var step = new Step(task, TaskLosses.takesClassIndices(lossFunction), config.clipNorm(), correction);
      EpochStats last = null;
      for (int epoch = 0; epoch < config.epochs(); epoch++) {
        shuffle(order, random);
        last = trainEpoch(trainer, data, order, batch, config.batchSize(), step);
      }
      ParameterSet trained = BlockParameters.read(l, m.getBlock(), parameters.metadata());
      checkFinite(trained, last, config);
      log.debug(
          "fit model={} examples={} epochs={} batch_size={} learning_rate={} loss={} optimizer=\"{}\" train_loss={} train_accuracy={} millis={}",
          model, n, config.epochs(), config.batchSize(), config.learningRate(), lossFunction.id(),
          config.optimizer().describe(), last.loss(), last.accuracy(), (System.nanoTime() - started) / 1_000_000);
      Map<String, Double> metrics = new HashMap<>();
      metrics.put(TRAIN_LOSS, last.loss());
      if (task.hasClasses()) {
        metrics.put(TRAIN_ACCURACY, last.accuracy());
      }
      if (startLoss != null) {
        metrics.put(QFedAvg.METRIC, startLoss);
      }
      return new FitOutcome(trained, n, metrics);
    }
  }

  @Override
  public Evaluation evaluate(ParameterSet parameters, Dataset data) {
    checkData(data, "evaluate on");
    ParameterLayout l = layout();
    l.check(parameters);
    Task task = data.schema().task();
    LossFunction lossFunction = LossFunction.AUTO.resolve(task);
    boolean classIndices = TaskLosses.takesClassIndices(lossFunction);
    try (Model m = newModel()) {
      Block block = m.getBlock();
      block.initialize(m.getNDManager(), DataType.FLOAT32, spec.batchShape(1));
      BlockParameters.load(l, block, parameters);
      block.freezeParameters(true);
      var store = new ParameterStore(m.getNDManager(), false);
      Loss loss = TaskLosses.of(lossFunction);
      int n = data.size();
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      int width = data.schema().outputs();
      float[] outputs = new float[Math.multiplyExact(n, width)];
      float[] targets = new float[n];
      var batch = new Minibatch(spec, data.inputSize(), Math.min(EVALUATION_BATCH, n));
      var stats = new EpochStats(task);
      for (int from = 0; from < n; from += EVALUATION_BATCH) {
        batch.fill(data, order, from, Math.min(EVALUATION_BATCH, n - from));
        try (NDManager scope = m.getNDManager().newSubManager()) {
          NDArray labels = batch.targets(scope, classIndices);
          NDList logits = block.forward(store, new NDList(batch.inputs(scope)), false);
          NDArray out = logits.singletonOrThrow();
          checkOutputs(out, width, data);
          stats.add(batch.size(), loss.evaluate(new NDList(labels), logits), out, labels);
          float[] values = out.toType(DataType.FLOAT32, false).toFloatArray();
          System.arraycopy(values, 0, outputs, from * width, values.length);
          batch.copyTargets(targets, from);
        }
      }
      Map<String, Double> metrics = Metrics.of(task, outputs, targets, data.schema().classCount());
      return new Evaluation(n, stats.loss(), task.hasClasses() ? stats.accuracy() : Double.NaN, metrics);
    }
  }

  /**
   * How one training step runs: which targets the loss takes, the correction of its gradients
   * (FedProx, SCAFFOLD; null for none) and their clipping, in that order.
   */
  private record Step(Task task, boolean classIndices, double clipNorm, GradientCorrection correction) {}

  /** One pass over {@code order}; stops between batches when the calling thread is interrupted. */
  private EpochStats trainEpoch(
      ai.djl.training.Trainer trainer, Dataset data, int[] order, Minibatch batch, int batchSize, Step step) {
    var stats = new EpochStats(step.task());
    int width = data.schema().outputs();
    for (int from = 0; from < order.length; from += batchSize) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CancellationException("training of model '" + model + "' was cancelled");
      }
      batch.fill(data, order, from, Math.min(batchSize, order.length - from));
      try (NDManager scope = trainer.getManager().newSubManager()) {
        NDArray inputs = batch.inputs(scope);
        NDArray labels = batch.targets(scope, step.classIndices());
        NDList logits;
        NDArray loss;
        try (GradientCollector collector = GradientScope.open(trainer)) {
          logits = trainer.forward(new NDList(inputs));
          checkOutputs(logits.singletonOrThrow(), width, data);
          loss = trainer.getLoss().evaluate(new NDList(labels), logits);
          collector.backward(loss);
        }
        if (step.correction() != null) {
          step.correction().apply(trainer.getModel().getBlock().getParameters().values());
        }
        if (step.clipNorm() > 0) {
          GradientClipping.clip(trainer, step.clipNorm());
        }
        trainer.step();
        stats.add(batch.size(), loss, logits.singletonOrThrow(), labels);
      }
    }
    return stats;
  }

  private Model newModel() {
    Model m = DjlEngine.get().newModel(model, Device.cpu());
    m.setBlock(spec.newBlock());
    return m;
  }

  private void checkData(Dataset data, String verb) {
    Objects.requireNonNull(data, "data");
    if (data.size() == 0) {
      throw new IncompatibleDataException("cannot %s an empty dataset".formatted(verb));
    }
    if (data.inputSize() != spec.inputSize()) {
      throw new IncompatibleDataException(
          "model '%s' takes %d values per example (shape %s) but the data's examples have %d (shape %s)"
              .formatted(model, spec.inputSize(), spec.inputShape(), data.inputSize(), data.schema().inputShape()));
    }
  }

  /** The model must output what the task needs: one value per class, or one. */
  private void checkOutputs(NDArray outputs, int width, Dataset data) {
    long[] shape = outputs.getShape().getShape();
    long per = shape.length < 2 ? 1 : outputs.getShape().size() / shape[0];
    if (per != width) {
      throw new IncompatibleDataException(
          "model '%s' outputs %d values per example but the data's %s task needs %d%s"
              .formatted(model, per, data.schema().task(), width,
                  data.schema().task() == Task.CLASSIFICATION ? " (one per class)" : ""));
    }
  }

  private void checkFinite(ParameterSet trained, EpochStats last, FitConfig config) {
    boolean finite = Double.isFinite(last.loss());
    for (Tensor t : trained.tensors()) {
      for (float v : t.data()) {
        finite &= Float.isFinite(v);
      }
    }
    if (!finite) {
      throw new TrainingDivergedException(
          "training model '%s' diverged (train_loss=%s, non-finite parameters); lower the learning rate (was %s)"
              .formatted(model, last.loss(), config.learningRate()));
    }
  }

  private static void shuffle(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
  }
}
