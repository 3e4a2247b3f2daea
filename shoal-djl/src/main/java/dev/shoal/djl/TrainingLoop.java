package dev.shoal.djl;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.shoal.data.Dataset;
import dev.shoal.data.Task;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.LossFunction;
import dev.shoal.train.Metrics;
import ai.djl.Device;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CancellationException;

/**
 * The mini-batch loops every DJL-trained model shares, whatever built its block: local epochs of
 * descent with the configured optimiser, loss and clipping, and evaluation in inference mode.
 */
final class TrainingLoop {

  private static final int EVALUATION_BATCH = 256;

  private final String model;
  private final Shape inputShape;

  /** Loops for {@code model} (its name, for messages) taking examples of {@code inputShape}. */
  TrainingLoop(String model, Shape inputShape) {
    this.model = Objects.requireNonNull(model, "model");
    this.inputShape = Objects.requireNonNull(inputShape, "inputShape");
  }

  /** How one fit trains: the resolved loss and the training configuration to build a DJL trainer with. */
  record Setup(Task task, LossFunction loss, DefaultTrainingConfig config) {}

  /** The DJL training configuration of {@code config} for {@code data}'s task. */
  static Setup setup(FitConfig config, Dataset data) {
    Task task = data.schema().task();
    LossFunction lossFunction = config.loss().resolve(task);
    lossFunction.requireSuits(task);
    var trainingConfig =
        new DefaultTrainingConfig(TaskLosses.of(lossFunction))
            .optDevices(new Device[] {Device.cpu()})
            .optOptimizer(Optimizers.of(config.optimizer(), config.learningRate()));
    return new Setup(task, lossFunction, trainingConfig);
  }

  /**
   * Runs {@code config.epochs()} epochs on {@code trainer}, each step's gradients changed by
   * {@code correction} (FedProx, SCAFFOLD; null for none) before clipping, or each call's batches run
   * by {@code compiled} (null for one engine call per operation); the statistics of the last one.
   */
  EpochStats epochs(ai.djl.training.Trainer trainer, Dataset data, FitConfig config, Setup setup,
      GradientCorrection correction, CompiledSteps compiled) {
    int n = data.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    var random = new Random(config.seed());
    int perCall = compiled == null ? config.batchSize() : CompiledSteps.examplesPerCall(config.batchSize(), data.inputSize(), n);
    var batch = new Minibatch(inputShape, data.inputSize(), Math.min(perCall, n));
    boolean classIndices = TaskLosses.takesClassIndices(setup.loss());
    EpochStats last = null;
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      shuffle(order, random);
      last = compiled == null
          ? epoch(trainer, data, order, batch, config, classIndices, setup.task(), correction)
          : compiledEpoch(trainer, compiled, data, order, batch, config.batchSize(), classIndices, setup.task());
    }
    return last;
  }

  /** One pass over {@code order} in calls of {@code compiled}, each many batches; stops between calls when interrupted. */
  private EpochStats compiledEpoch(ai.djl.training.Trainer trainer, CompiledSteps compiled, Dataset data, int[] order,
      Minibatch batch, int batchSize, boolean classIndices, Task task) {
    var stats = new EpochStats(task);
    int width = data.schema().outputs();
    for (int from = 0; from < order.length; from += batch.capacity()) {
      checkCancelled();
      batch.fill(data, order, from, Math.min(batch.capacity(), order.length - from));
      try (NDManager scope = trainer.getManager().newSubManager()) {
        NDArray inputs = batch.inputs(scope);
        NDList result;
        try {
          result = compiled.run(scope, inputs, batch.targets(scope, classIndices), batchSize);
        } catch (EngineException e) {
          // outputs the loss cannot take fail inside PyTorch: name the mismatch, as the per-call path does
          Block block = trainer.getModel().getBlock();
          checkOutputs(block.forward(new ParameterStore(scope, false), new NDList(inputs), false).singletonOrThrow(), width, data);
          throw e;
        }
        checkOutputs(result.get(0), width, data);
        float[] outputs = hostValues(result.get(0));
        float[] losses = result.get(1).toFloatArray();
        float[] targets = batch.targetValues();
        for (int b = 0, start = 0; start < batch.size(); b++, start += batchSize) {
          int end = Math.min(start + batchSize, batch.size());
          stats.add(end - start, losses[b], Arrays.copyOfRange(outputs, start * width, end * width),
              Arrays.copyOfRange(targets, start, end));
        }
      }
    }
    return stats;
  }

  private void checkCancelled() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("training of model '" + model + "' was cancelled");
    }
  }

  /** One pass over {@code order}; stops between batches when the calling thread is interrupted. */
  private EpochStats epoch(ai.djl.training.Trainer trainer, Dataset data, int[] order, Minibatch batch,
      FitConfig config, boolean classIndices, Task task, GradientCorrection correction) {
    var stats = new EpochStats(task);
    int width = data.schema().outputs();
    int batchSize = config.batchSize();
    boolean plainSgd = SgdStep.applies(config.optimizer());
    float lr = (float) config.learningRate();
    for (int from = 0; from < order.length; from += batchSize) {
      checkCancelled();
      batch.fill(data, order, from, Math.min(batchSize, order.length - from));
      try (NDManager scope = trainer.getManager().newSubManager()) {
        NDArray inputs = batch.inputs(scope);
        NDArray labels = batch.targets(scope, classIndices);
        NDList logits;
        NDArray loss;
        try (GradientCollector collector = GradientScope.open(trainer)) {
          logits = trainer.forward(new NDList(inputs));
          checkOutputs(logits.singletonOrThrow(), width, data);
          loss = trainer.getLoss().evaluate(new NDList(labels), logits);
          collector.backward(loss);
        }
        if (correction != null) {
          correction.apply(trainer.getModel().getBlock().getParameters().values());
        }
        if (config.clipNorm() > 0) {
          GradientClipping.clip(trainer, config.clipNorm());
        }
        if (plainSgd) {
          SgdStep.step(trainer, lr);
        } else {
          trainer.step();
        }
        stats.add(batch.size(), loss.getFloat(), hostValues(logits.singletonOrThrow()), batch.targetValues());
      }
    }
    return stats;
  }

  /** Loss, accuracy and the task's metrics of {@code block} (in inference mode) on {@code data}. */
  Evaluation evaluate(Block block, NDManager manager, Dataset data) {
    Task task = data.schema().task();
    LossFunction lossFunction = LossFunction.AUTO.resolve(task);
    boolean classIndices = TaskLosses.takesClassIndices(lossFunction);
    var store = new ParameterStore(manager, false);
    Loss loss = TaskLosses.of(lossFunction);
    int n = data.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int width = data.schema().outputs();
    float[] outputs = new float[Math.multiplyExact(n, width)];
    float[] targets = new float[n];
    var batch = new Minibatch(inputShape, data.inputSize(), Math.min(EVALUATION_BATCH, n));
    var stats = new EpochStats(task);
    for (int from = 0; from < n; from += EVALUATION_BATCH) {
      batch.fill(data, order, from, Math.min(EVALUATION_BATCH, n - from));
      try (NDManager scope = manager.newSubManager()) {
        NDArray labels = batch.targets(scope, classIndices);
        NDList logits = block.forward(store, new NDList(batch.inputs(scope)), false);
        NDArray out = logits.singletonOrThrow();
        checkOutputs(out, width, data);
        float[] values = hostValues(out);
        stats.add(batch.size(), loss.evaluate(new NDList(labels), logits).getFloat(), values, batch.targetValues());
        System.arraycopy(values, 0, outputs, from * width, values.length);
        batch.copyTargets(targets, from);
      }
    }
    Map<String, Double> metrics = Metrics.of(task, outputs, targets, data.schema().classCount());
    return new Evaluation(n, stats.loss(), task.hasClasses() ? stats.accuracy() : Double.NaN, metrics);
  }

  /** {@code outputs} copied to the host as float32 values. */
  private static float[] hostValues(NDArray outputs) {
    return outputs.getDataType() == DataType.FLOAT32 ? outputs.toFloatArray()
        : outputs.toType(DataType.FLOAT32, false).toFloatArray();
  }

  /** Refuses empty data and examples of another size than the model takes. */
  void checkData(Dataset data, String verb) {
    Objects.requireNonNull(data, "data");
    if (data.size() == 0) {
      throw new IncompatibleDataException("cannot %s an empty dataset".formatted(verb));
    }
    if (data.inputSize() != inputShape.size()) {
      throw new IncompatibleDataException(
          "model '%s' takes %d values per example (shape %s) but the data's examples have %d (shape %s)"
              .formatted(model, inputShape.size(), inputShape, data.inputSize(), data.schema().inputShape()));
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

  /** Refuses a fit that ended with a non-finite loss or non-finite parameters. */
  void checkFinite(ParameterSet trained, EpochStats last, FitConfig config) {
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
