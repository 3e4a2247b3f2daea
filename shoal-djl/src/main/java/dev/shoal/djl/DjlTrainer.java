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
import dev.shoal.data.ImageDataset;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains and evaluates one model architecture with DJL on PyTorch's CPU engine.
 *
 * <p>Training is plain mini-batch SGD (no momentum, no weight decay) on softmax cross-entropy.
 * Each epoch visits the examples in a fresh order drawn from a {@link Random} seeded with {@link
 * FitConfig#seed()}, so a fit is repeatable. {@link #initialParameters} uses PyTorch's default
 * initialisation for linear and convolution layers ({@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} for
 * weights and biases), computed in Java from the seed.
 *
 * <p>Every call builds its own model and native memory, released before it returns; calls may run
 * concurrently from several threads.
 */
public final class DjlTrainer implements Trainer {

  /** Mean softmax cross-entropy over the examples of the last local epoch. */
  public static final String TRAIN_LOSS = "train_loss";

  /** Fraction of the last local epoch's examples classified correctly while training. */
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
  public FitOutcome fit(ParameterSet parameters, ImageDataset data, FitConfig config) {
    Objects.requireNonNull(config, "config");
    checkData(data, "train on");
    ParameterLayout l = layout();
    l.check(parameters);
    long started = System.nanoTime();
    var trainingConfig =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optDevices(new Device[] {Device.cpu()})
            .optOptimizer(
                Optimizer.sgd()
                    .setLearningRateTracker(Tracker.fixed((float) config.learningRate()))
                    .build());
    try (Model m = newModel();
        ai.djl.training.Trainer trainer = m.newTrainer(trainingConfig)) {
      trainer.initialize(spec.batchShape(1));
      BlockParameters.load(l, m.getBlock(), parameters);
      int n = data.size();
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      var random = new Random(config.seed());
      var batch = new Minibatch(spec, data.imageSize(), Math.min(config.batchSize(), n));
      EpochStats last = null;
      for (int epoch = 0; epoch < config.epochs(); epoch++) {
        shuffle(order, random);
        last = trainEpoch(trainer, data, order, batch, config.batchSize());
      }
      ParameterSet trained = BlockParameters.read(l, m.getBlock(), parameters.metadata());
      checkFinite(trained, last, config);
      log.debug(
          "fit model={} examples={} epochs={} batch_size={} learning_rate={} train_loss={} train_accuracy={} millis={}",
          model, n, config.epochs(), config.batchSize(), config.learningRate(),
          last.loss(), last.accuracy(), (System.nanoTime() - started) / 1_000_000);
      return new FitOutcome(trained, n, Map.of(TRAIN_LOSS, last.loss(), TRAIN_ACCURACY, last.accuracy()));
    }
  }

  @Override
  public Evaluation evaluate(ParameterSet parameters, ImageDataset data) {
    checkData(data, "evaluate on");
    ParameterLayout l = layout();
    l.check(parameters);
    try (Model m = newModel()) {
      Block block = m.getBlock();
      block.initialize(m.getNDManager(), DataType.FLOAT32, spec.batchShape(1));
      BlockParameters.load(l, block, parameters);
      block.freezeParameters(true);
      var store = new ParameterStore(m.getNDManager(), false);
      Loss loss = Loss.softmaxCrossEntropyLoss();
      int n = data.size();
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      var batch = new Minibatch(spec, data.imageSize(), Math.min(EVALUATION_BATCH, n));
      var stats = new EpochStats();
      for (int from = 0; from < n; from += EVALUATION_BATCH) {
        batch.fill(data, order, from, Math.min(EVALUATION_BATCH, n - from));
        try (NDManager scope = m.getNDManager().newSubManager()) {
          NDArray labels = batch.labels(scope);
          NDList logits = block.forward(store, new NDList(batch.inputs(scope)), false);
          stats.add(batch.size(), loss.evaluate(new NDList(labels), logits), logits.singletonOrThrow(), labels);
        }
      }
      return new Evaluation(n, stats.loss(), stats.accuracy());
    }
  }

  /** One pass over {@code order}; stops between batches when the calling thread is interrupted. */
  private EpochStats trainEpoch(
      ai.djl.training.Trainer trainer, ImageDataset data, int[] order, Minibatch batch, int batchSize) {
    var stats = new EpochStats();
    for (int from = 0; from < order.length; from += batchSize) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CancellationException("training of model '" + model + "' was cancelled");
      }
      batch.fill(data, order, from, Math.min(batchSize, order.length - from));
      try (NDManager scope = trainer.getManager().newSubManager()) {
        NDArray inputs = batch.inputs(scope);
        NDArray labels = batch.labels(scope);
        NDList logits;
        NDArray loss;
        try (GradientCollector collector = GradientScope.open(trainer)) {
          logits = trainer.forward(new NDList(inputs));
          loss = trainer.getLoss().evaluate(new NDList(labels), logits);
          collector.backward(loss);
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

  private void checkData(ImageDataset data, String verb) {
    Objects.requireNonNull(data, "data");
    if (data.size() == 0) {
      throw new IllegalArgumentException("cannot %s an empty dataset".formatted(verb));
    }
    if (data.imageSize() != spec.inputSize()) {
      throw new IllegalArgumentException(
          "model '%s' takes %d values per example (shape %s) but the images are %dx%d = %d pixels"
              .formatted(model, spec.inputSize(), spec.inputShape(), data.rows(), data.cols(), data.imageSize()));
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
