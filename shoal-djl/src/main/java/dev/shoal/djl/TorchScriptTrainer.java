package dev.shoal.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import dev.shoal.data.Dataset;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains and evaluates a TorchScript module ({@code torch.jit.save} output) with DJL on PyTorch's
 * CPU engine, through {@link PtSymbolBlock}.
 *
 * <p>The exchanged state is the module's {@code state_dict}: its parameters and its buffers
 * (BatchNorm running statistics, {@code num_batches_tracked}), under their {@code state_dict}
 * names, so that PyTorch loads a result with {@code load_state_dict(strict=True)}. Every tensor
 * travels as float32; PyTorch casts on loading. TorchScript gives Java no access to buffers, so a
 * module that has buffers must carry the three methods Shoal's export helper adds
 * ({@code scripts/shoal_torchscript.py}: {@code shoal_buffer_names}, {@code shoal_buffers},
 * {@code shoal_set_buffers}); a module without them is refused with that advice.
 *
 * <p>Training runs the module in training mode (dropout active, batch statistics updating the
 * running ones), evaluation in inference mode. The initial parameters are the file's own weights:
 * the seed does not change them. A fit seeds PyTorch's generator with the fit's seed (dropout's
 * masks), so the same parameters, data and configuration give the same result.
 *
 * <p>A fit borrows the loaded module this trainer keeps and gives it back when it succeeds, so that
 * a node training round after round loads the file once, and PyTorch's graph executor keeps the
 * plan it optimised while profiling the first steps (loading a small model costs as much as tens
 * of its training steps). A borrowed module gets the fit's parameters and buffers and
 * zeroed gradients; a fit that fails closes its module. Evaluation loads its own.
 */
public final class TorchScriptTrainer implements Trainer {

  static final String BUFFER_NAMES = "shoal_buffer_names";
  static final String BUFFERS = "shoal_buffers";
  static final String SET_BUFFERS = "shoal_set_buffers";

  private static final Logger log = LoggerFactory.getLogger(TorchScriptTrainer.class);

  private final TorchScriptFile file;
  private final Shape inputShape;
  private final TrainingLoop loop;
  private final Set<String> trainable;
  private final Deque<Loaded> idle = new ConcurrentLinkedDeque<>();
  private volatile Layout layout;

  /** Loaded modules kept for later fits: one, so that an idle node holds one copy of a large model. */
  private static final int KEPT_MODULES = 1;

  /** One tensor of the module's state: a parameter or a buffer. */
  record Slot(String name, int[] shape, boolean buffer) {}

  /** The module's state in {@code state_dict} order: parameters, then buffers. */
  record Layout(List<Slot> slots) {

    List<String> names() {
      return slots.stream().map(Slot::name).toList();
    }
  }

  /** A trainer for {@code file} taking examples of {@code inputShape} (without the batch axis). */
  public TorchScriptTrainer(TorchScriptFile file, Shape inputShape) {
    this(file, inputShape, null);
  }

  private TorchScriptTrainer(TorchScriptFile file, Shape inputShape, Set<String> trainable) {
    this.file = Objects.requireNonNull(file, "file");
    this.inputShape = Objects.requireNonNull(inputShape, "inputShape");
    this.loop = new TrainingLoop(file.name(), inputShape);
    this.trainable = trainable == null ? null : Set.copyOf(trainable);
  }

  /**
   * This trainer with only the parameters named {@code trainable} changed by {@link #fit}: the
   * others are frozen (no gradient, no optimiser step). Buffers are updated by the forward pass
   * in training mode as PyTorch does; the caller keeps a frozen one from the architecture.
   */
  public TorchScriptTrainer withTrainable(Set<String> trainable) {
    return new TorchScriptTrainer(file, inputShape, Objects.requireNonNull(trainable, "trainable"));
  }

  /** The file this trainer trains. */
  public TorchScriptFile file() {
    return file;
  }

  /** The names of the exchanged tensors: parameters, then buffers. Loads the module on first use. */
  public List<String> tensorNames() {
    return layout().names();
  }

  /** The names of the module's buffers. */
  public List<String> bufferNames() {
    return layout().slots().stream().filter(Slot::buffer).map(Slot::name).toList();
  }

  @Override
  public ParameterSet initialParameters(long seed) {
    try (Loaded loaded = load()) {
      return loaded.read(layout(), Map.of());
    }
  }

  @Override
  public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
    Objects.requireNonNull(config, "config");
    loop.checkData(data, "train on");
    Layout l = layout();
    check(l, parameters);
    long started = System.nanoTime();
    TrainingLoop.Setup setup = TrainingLoop.setup(config, data);
    Loaded loaded = borrow();
    boolean reusable = false;
    try (ai.djl.training.Trainer trainer = loaded.model().newTrainer(setup.config())) {
      loaded.write(l, parameters);
      if (trainable != null) {
        loaded.freezeAllBut(l, trainable);
      }
      loaded.zeroGradients();
      // dropout draws from PyTorch's generator: seeded per fit, a fit is repeatable
      JniUtils.setSeed(config.seed());
      JniUtils.enableTrainingMode(loaded.block());
      var compiled = CompiledSteps.of(loaded.block(), loaded.trained(), config, setup.loss());
      EpochStats last = loop.epochs(trainer, data, config, setup, null, compiled);
      ParameterSet trained = loaded.read(l, parameters.metadata());
      loop.checkFinite(trained, last, config);
      reusable = true;
      log.debug(
          "fit model={} model_id={} examples={} epochs={} batch_size={} learning_rate={} loss={} optimizer=\"{}\" steps={} train_loss={} train_accuracy={} millis={}",
          file.name(), file.id(), data.size(), config.epochs(), config.batchSize(), config.learningRate(),
          setup.loss().id(), config.optimizer().describe(), compiled == null ? "per-call" : "compiled", last.loss(), last.accuracy(),
          (System.nanoTime() - started) / 1_000_000);
      return new FitOutcome(trained, data.size(), last.metrics());
    } finally {
      giveBack(loaded, reusable);
    }
  }

  /** An idle loaded module, or a newly loaded one. */
  private Loaded borrow() {
    Loaded loaded = idle.pollFirst();
    return loaded != null ? loaded : load();
  }

  /** Keeps {@code loaded} for a later fit when it is {@code reusable} and the pool has room; closes it otherwise. */
  private void giveBack(Loaded loaded, boolean reusable) {
    if (reusable && idle.size() < KEPT_MODULES) {
      idle.offerFirst(loaded);
    } else {
      loaded.close();
    }
  }

  @Override
  public Evaluation evaluate(ParameterSet parameters, Dataset data) {
    loop.checkData(data, "evaluate on");
    Layout l = layout();
    check(l, parameters);
    try (Loaded loaded = load()) {
      loaded.write(l, parameters);
      loaded.block().freezeParameters(true);
      JniUtils.enableInferenceMode(loaded.block());
      return loop.evaluate(loaded.block(), loaded.model().getNDManager(), data);
    }
  }

  private Layout layout() {
    Layout l = layout;
    if (l == null) {
      synchronized (this) {
        l = layout;
        if (l == null) {
          try (Loaded loaded = load()) {
            l = loaded.layout();
          }
          layout = l;
        }
      }
    }
    return l;
  }

  /**
   * Checks that {@code parameters} holds exactly the module's tensors with their shapes.
   *
   * @throws IncompatibleParametersException naming the first offending tensor
   */
  void check(Layout l, ParameterSet parameters) {
    Objects.requireNonNull(parameters, "parameters");
    for (Slot slot : l.slots()) {
      Tensor t = parameters.tensor(slot.name()).orElseThrow(() -> new IncompatibleParametersException(
          "tensor '%s' is missing; model %s (%s) has tensors %s".formatted(slot.name(), file.name(), file.id(), l.names())));
      if (!Arrays.equals(t.shape(), slot.shape())) {
        throw new IncompatibleParametersException(
            "tensor '%s' has shape %s but model %s expects %s"
                .formatted(slot.name(), Arrays.toString(t.shape()), file.name(), Arrays.toString(slot.shape())));
      }
    }
    if (parameters.names().size() != l.slots().size()) {
      var expected = new HashSet<>(l.names());
      String extra = parameters.names().stream().filter(n -> !expected.contains(n)).findFirst().orElseThrow();
      throw new IncompatibleParametersException(
          "tensor '%s' is not in the state of model %s, which has tensors %s".formatted(extra, file.name(), l.names()));
    }
  }

  /** Loads the module with trainable parameters: PyTorch does not let inference tensors be written. */
  private Loaded load() {
    Model model = DjlEngine.get().newModel(file.name(), Device.cpu());
    try {
      PtSymbolBlock block = JniUtils.loadModule((PtNDManager) model.getNDManager(), file.path(), true,
          new String[0], new String[0], true);
      model.setBlock(block);
      return new Loaded(file, model, block);
    } catch (RuntimeException e) {
      model.close();
      throw new IncompatibleDataException("cannot load TorchScript model %s: %s".formatted(file.path(), e.getMessage()));
    }
  }

  /** A loaded module and the DJL model that owns its native memory. */
  private record Loaded(TorchScriptFile file, Model model, PtSymbolBlock block) implements AutoCloseable {

    PtNDManager manager() {
      return (PtNDManager) model.getNDManager();
    }

    List<Parameter> parameters() {
      return block.getDirectParameters().values();
    }

    /** The parameters a fit changes: those not frozen. */
    List<Parameter> trained() {
      return parameters().stream().filter(p -> p.getArray().hasGradient()).toList();
    }

    boolean hasBufferMethods() {
      Set<String> methods = Set.of(JniUtils.getMethodNames(block));
      return methods.contains(BUFFER_NAMES) && methods.contains(BUFFERS) && methods.contains(SET_BUFFERS);
    }

    Layout layout() {
      var slots = new ArrayList<Slot>();
      for (var entry : block.getDirectParameters()) {
        slots.add(new Slot(entry.getKey(), ints(entry.getValue().getArray().getShape()), false));
      }
      if (!hasBufferMethods() && file.declaresBuffers()) {
        throw new IncompatibleDataException(
            "model %s has buffers (batch norm running statistics, for instance) but not the methods through which Shoal exchanges them; export it with scripts/shoal_torchscript.py (export(module, path))"
                .formatted(file.path()));
      }
      if (hasBufferMethods()) {
        try (IValue names = IValueUtils.runMethod(block, BUFFER_NAMES)) {
          NDArray[] values = buffers();
          IValue[] listed = names.toIValueArray();
          for (int i = 0; i < listed.length; i++) {
            slots.add(new Slot(listed[i].toStringValue(), ints(values[i].getShape()), true));
            listed[i].close();
          }
        }
      }
      return new Layout(slots);
    }

    NDArray[] buffers() {
      try (IValue result = IValueUtils.runMethod(block, BUFFERS)) {
        return result.toTensorArray(manager());
      }
    }

    void write(Layout l, ParameterSet values) {
      List<Parameter> parameters = parameters();
      int p = 0;
      var buffers = new ArrayList<PtNDArray>();
      for (Slot slot : l.slots()) {
        float[] data = values.tensor(slot.name()).orElseThrow().data();
        if (slot.buffer()) {
          buffers.add((PtNDArray) manager().create(FloatBuffer.wrap(data), new Shape(longs(slot.shape())), DataType.FLOAT32));
        } else {
          NDArray array = parameters.get(p++).getArray();
          boolean grad = array.hasGradient();
          array.setRequiresGradient(false);
          array.set(FloatBuffer.wrap(data));
          if (grad) {
            array.setRequiresGradient(true);
          }
        }
      }
      if (!buffers.isEmpty()) {
        try (IValue list = IValue.listFrom(buffers.toArray(PtNDArray[]::new));
            IValue ignored = IValueUtils.runMethod(block, SET_BUFFERS, list)) {
          buffers.forEach(NDArray::close);
        }
      }
    }

    /** Sets every parameter's gradient to zero, so that a fit starts as on a freshly loaded module. */
    void zeroGradients() {
      boolean recording = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try {
        for (Parameter p : parameters()) {
          NDArray w = p.getArray();
          if (w.hasGradient()) {
            try (NDArray g = w.getGradient()) {
              g.subi(g);
            }
          }
        }
      } finally {
        JniUtils.setGradMode(recording);
      }
    }

    /** Freezes every parameter not named in {@code trainable}: no gradient, no step. */
    void freezeAllBut(Layout l, Set<String> trainable) {
      List<Parameter> parameters = parameters();
      int p = 0;
      for (Slot slot : l.slots()) {
        if (!slot.buffer()) {
          Parameter parameter = parameters.get(p++);
          if (!trainable.contains(slot.name())) {
            parameter.freeze(true);
          }
        }
      }
    }

    ParameterSet read(Layout l, Map<String, String> metadata) {
      List<Parameter> parameters = parameters();
      NDArray[] buffers = l.slots().stream().anyMatch(Slot::buffer) ? buffers() : new NDArray[0];
      var tensors = new ArrayList<Tensor>(l.slots().size());
      int p = 0;
      int b = 0;
      for (Slot slot : l.slots()) {
        NDArray array = slot.buffer() ? buffers[b++] : parameters.get(p++).getArray();
        float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
        tensors.add(new Tensor(slot.name(), slot.shape().clone(), values));
      }
      for (NDArray a : buffers) {
        a.close();
      }
      return new ParameterSet(tensors, metadata);
    }

    @Override
    public void close() {
      model.close();
    }
  }

  private static int[] ints(Shape shape) {
    return Arrays.stream(shape.getShape()).mapToInt(Math::toIntExact).toArray();
  }

  private static long[] longs(int[] shape) {
    return Arrays.stream(shape).asLongStream().toArray();
  }
}
