package dev.shoal.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import dev.shoal.data.Dataset;
import dev.shoal.djl.DjlEngine;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Native PyTorch of the version Shoal runs, without Shoal: a TorchScript module whose method {@code
 * fit} runs a whole epoch of plain SGD on the model in PyTorch's C++ runtime ({@code
 * scripts/training-speed.py export-loop}), called once per fit through DJL's bindings. Each fit
 * starts from the module's saved parameters, written back before the clock starts.
 */
final class NativeLoop implements AutoCloseable {

  private final Model model;
  private final PtSymbolBlock block;
  private final List<Parameter> parameters;
  private final float[][] initial;
  private final PtNDArray x;
  private final PtNDArray y;
  private final PtNDArray order;

  /** The loop at {@code file}, trained on {@code data} (images of {@code shape}) in an order drawn from {@code seed}. */
  NativeLoop(Path file, Dataset data, Shape shape, long seed) {
    model = DjlEngine.get().newModel("native-loop", Device.cpu());
    PtNDManager manager = (PtNDManager) model.getNDManager();
    block = JniUtils.loadModule(manager, file, true, new String[0], new String[0], true);
    model.setBlock(block);
    JniUtils.enableTrainingMode(block);
    parameters = block.getDirectParameters().values();
    initial = parameters.stream().map(p -> p.getArray().toFloatArray()).toArray(float[][]::new);
    int n = data.size();
    x = (PtNDArray) manager.create(FloatBuffer.wrap(data.features()), new Shape(n).addAll(shape), DataType.FLOAT32);
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      labels[i] = data.label(i);
    }
    y = (PtNDArray) manager.create(LongBuffer.wrap(labels), new Shape(n), DataType.INT64);
    long[] permutation = new long[n];
    for (int i = 0; i < n; i++) {
      permutation[i] = i;
    }
    Random random = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long t = permutation[i];
      permutation[i] = permutation[j];
      permutation[j] = t;
    }
    order = (PtNDArray) manager.create(LongBuffer.wrap(permutation), new Shape(n), DataType.INT64);
  }

  /** One epoch from the saved parameters: {wall seconds, CPU seconds of this process}. */
  double[] fit(com.sun.management.OperatingSystemMXBean os, int batch, double lr) {
    // DJL runs a module's methods without autograd unless in training mode, through an NDList
    // (naming the method, "module_method:", and a list argument, "params[]"), and with grad mode on
    NDManager manager = model.getNDManager();
    try (NDManager scope = manager.newSubManager()) {
      NDList inputs = new NDList();
      NDArray method = scope.create(0f);
      method.setName("module_method:fit");
      inputs.add(method);
      for (int i = 0; i < parameters.size(); i++) {
        NDArray a = parameters.get(i).getArray();
        a.setRequiresGradient(false);
        a.set(FloatBuffer.wrap(initial[i]));
        a.setRequiresGradient(true);
        a.setName("params[]");
        inputs.add(a);
      }
      inputs.add(x);
      inputs.add(y);
      inputs.add(order);
      inputs.add(scope.create((long) batch));
      inputs.add(scope.create(lr));
      JniUtils.setGradMode(true);
      long cpu = os.getProcessCpuTime();
      long wall = System.nanoTime();
      NDList loss = IValueUtils.forward(block, inputs, true);
      double[] t = {(System.nanoTime() - wall) / 1e9, (os.getProcessCpuTime() - cpu) / 1e9};
      JniUtils.setGradMode(false);
      if (!Float.isFinite(loss.singletonOrThrow().getFloat())) {
        throw new IllegalStateException("the native loop's loss is not finite");
      }
      return t;
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
