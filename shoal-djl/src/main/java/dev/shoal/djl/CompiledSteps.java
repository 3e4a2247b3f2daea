package dev.shoal.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import dev.shoal.train.FitConfig;
import dev.shoal.train.LossFunction;
import java.util.List;
import java.util.Set;

/**
 * Plain SGD's steps run by the TorchScript module itself: its {@code shoal_train_steps} method
 * (added by {@code scripts/shoal_torchscript.py}) trains on many batches per call, forward, loss,
 * {@code torch.autograd.grad} and {@code p -= lr·g}, all in PyTorch's runtime. The per-step path
 * makes about forty engine calls through JNI for each batch and accumulates every gradient into
 * the parameter's {@code .grad} before stepping; this one makes a few per call.
 *
 * <p>Used when the fit is plain SGD without clipping and the module has the method; the batches,
 * their order, the learning rate, the loss and the seed are the fit's, as on the per-step path.
 */
final class CompiledSteps {

  static final String METHOD = "shoal_train_steps";

  /** At most this many batches per call: the fit still stops between calls when cancelled. */
  private static final int MAX_BATCHES = 64;

  /** At most this many bytes of features per call. */
  private static final long MAX_FEATURE_BYTES = 8L << 20;

  private final PtSymbolBlock block;
  private final List<Parameter> trained;
  private final float learningRate;
  private final long loss;

  private CompiledSteps(PtSymbolBlock block, List<Parameter> trained, FitConfig config, LossFunction loss) {
    this.block = block;
    this.trained = trained;
    this.learningRate = (float) config.learningRate();
    this.loss = code(loss);
  }

  /**
   * The compiled steps of {@code block} for a fit of {@code config} with {@code loss}, training
   * {@code trained} (its parameters that take gradients), or null when the fit needs the per-step
   * path: another optimiser, clipping, or a module without the method.
   */
  static CompiledSteps of(PtSymbolBlock block, List<Parameter> trained, FitConfig config, LossFunction loss) {
    boolean applies = SgdStep.applies(config.optimizer()) && config.clipNorm() <= 0 && !trained.isEmpty()
        && Set.of(JniUtils.getMethodNames(block)).contains(METHOD);
    return applies ? new CompiledSteps(block, trained, config, loss) : null;
  }

  /**
   * How many examples one call takes in an epoch of {@code examples}: whole batches, at most {@link
   * #MAX_BATCHES} and 8 MiB of features, spread evenly over the calls, so that every call but the
   * last gives PyTorch's graph executor inputs of the same shape.
   */
  static int examplesPerCall(int batchSize, long inputSize, int examples) {
    long byBytes = MAX_FEATURE_BYTES / (Float.BYTES * Math.max(1, inputSize)) / batchSize;
    long most = Math.max(1, Math.min(MAX_BATCHES, byBytes));
    long batches = Math.max(1, (examples + (long) batchSize - 1) / batchSize);
    long calls = (batches + most - 1) / most;
    return Math.toIntExact(batchSize * ((batches + calls - 1) / calls));
  }

  /**
   * Trains on {@code inputs} and {@code targets}, batch after batch of {@code batchSize}, with
   * gradient recording on for the call; returns the outputs of all batches, then the mean loss of
   * each, both owned by {@code scope}.
   */
  NDList run(NDManager scope, NDArray inputs, NDArray targets, int batchSize) {
    NDList arguments = new NDList();
    NDArray method = scope.create(0f);
    method.setName("module_method:" + METHOD);
    arguments.add(method);
    String[] names = new String[trained.size()];
    for (int i = 0; i < names.length; i++) {
      NDArray w = trained.get(i).getArray();
      names[i] = w.getName();
      w.setName("params[]"); // how DJL passes arrays as one list argument
      arguments.add(w);
    }
    arguments.add(inputs);
    arguments.add(targets);
    arguments.add(scope.create((long) batchSize));
    arguments.add(scope.create(learningRate));
    arguments.add(scope.create(loss));
    boolean recording = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
    try {
      return checked(IValueUtils.forward(block, arguments, true), inputs.getShape().get(0), batchSize);
    } finally {
      JniUtils.setGradMode(recording);
      for (int i = 0; i < names.length; i++) {
        trained.get(i).getArray().setName(names[i]);
      }
    }
  }

  /**
   * {@code result} when it is what the method promises for {@code rows} examples in batches of
   * {@code batchSize}: the outputs, one row per example, and one mean loss per batch.
   *
   * @throws IncompatibleDataException naming the method, for a module whose method of that name
   *     is not the export helper's
   */
  static NDList checked(NDList result, long rows, int batchSize) {
    long batches = (rows + batchSize - 1) / batchSize;
    if (result.size() != 2 || result.get(0).getShape().dimension() == 0 || result.get(0).getShape().get(0) != rows
        || result.get(1).size() != batches) {
      throw new IncompatibleDataException(
          "the module's %s gave %s for %d examples in %d batches, not their outputs and one loss per batch; export the model with scripts/shoal_torchscript.py"
              .formatted(METHOD, result.getShapes().length == 0 ? "nothing" : java.util.Arrays.toString(result.getShapes()),
                  rows, batches));
    }
    return result;
  }

  /** The method's code for {@code loss}, as {@code scripts/shoal_torchscript.py} numbers them. */
  private static long code(LossFunction loss) {
    return switch (loss) {
      case CROSS_ENTROPY -> 0;
      case BCE_WITH_LOGITS -> 1;
      case MSE -> 2;
      case L1 -> 3;
      case HUBER -> 4;
      case AUTO -> throw new IllegalArgumentException("resolve the loss against the task first");
    };
  }
}
