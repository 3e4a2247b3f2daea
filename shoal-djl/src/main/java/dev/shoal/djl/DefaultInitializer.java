package dev.shoal.djl;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Random;

/**
 * PyTorch's default initialisation of linear and convolution layers, computed in Java so that the
 * same seed gives the same values on every machine and engine version.
 *
 * <p>Weights follow Kaiming-uniform with {@code a = sqrt(5)} and biases PyTorch's bias rule; both
 * amount to {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}. Normalisation scales and running variances
 * start at 1, their shifts and running means at 0. Each tensor draws from its own {@link Random}
 * seeded by the model seed and the tensor's name, so adding a layer leaves the others unchanged.
 */
final class DefaultInitializer {

  private DefaultInitializer() {}

  static ParameterSet initialize(ParameterLayout layout, long seed) {
    var tensors = new ArrayList<Tensor>(layout.slots().size());
    for (ParameterLayout.Slot slot : layout.slots()) {
      float[] values = new float[slot.size()];
      switch (slot.type()) {
        case GAMMA, RUNNING_VAR -> Arrays.fill(values, 1f);
        case BETA, RUNNING_MEAN -> Arrays.fill(values, 0f);
        default -> fillUniform(values, 1 / Math.sqrt(slot.fanIn()), tensorSeed(seed, slot.name()));
      }
      tensors.add(new Tensor(slot.name(), slot.shape().clone(), values));
    }
    return new ParameterSet(tensors);
  }

  private static void fillUniform(float[] values, double bound, long seed) {
    var random = new Random(seed);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
    }
  }

  /** SplitMix64 of the seed combined with a hash of the name (Random's own seeding is weak). */
  static long tensorSeed(long seed, String name) {
    long h = seed;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xff));
    }
    return mix(h);
  }

  private static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
