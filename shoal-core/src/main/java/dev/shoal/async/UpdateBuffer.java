package dev.shoal.async;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.tensor.TensorSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * FedBuff's buffer: the staleness-weighted sum of client deltas Σ wᵢ·(xᵢ − bᵢ), each update against
 * the model bᵢ its client started from, in one model-sized float32 buffer (each product formed in
 * double precision). When {@code size} updates are in, the model steps by {@code η × sum / size}
 * and the buffer starts again empty.
 */
public final class UpdateBuffer {

  private final List<String> names;
  private final int size;
  private final float[][] sums;
  private int count;

  public UpdateBuffer(ParameterSet layout, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("buffer size must be >= 1, got " + size);
    }
    this.names = layout.names();
    this.size = size;
    this.sums = new float[names.size()][];
    for (int i = 0; i < sums.length; i++) {
      sums[i] = new float[layout.read(names.get(i)).size()];
    }
  }

  /** Adds {@code weight × (update − base)}; both must have the buffer's layout. */
  public void add(TensorSource update, TensorSource base, double weight) {
    if (full()) {
      throw new IllegalStateException("the buffer is full: step the model first");
    }
    for (int t = 0; t < sums.length; t++) {
      float[] x = update.read(names.get(t)).data();
      float[] b = base.read(names.get(t)).data();
      float[] s = sums[t];
      for (int i = 0; i < s.length; i++) {
        s[i] += (float) (weight * ((double) x[i] - b[i]));
      }
    }
    count++;
  }

  public int count() {
    return count;
  }

  public boolean full() {
    return count == size;
  }

  /**
   * The next global model, {@code global + serverLr × sum / size}, with {@code metadata}; empties the
   * buffer.
   */
  public ParameterSet step(ParameterSet global, double serverLr, Map<String, String> metadata) {
    if (!full()) {
      throw new IllegalStateException("the buffer holds " + count + " of " + size + " updates");
    }
    List<Tensor> out = new ArrayList<>(sums.length);
    for (int t = 0; t < sums.length; t++) {
      Tensor g = global.read(names.get(t));
      float[] s = sums[t];
      float[] next = new float[s.length];
      for (int i = 0; i < s.length; i++) {
        next[i] = (float) (g.data()[i] + serverLr * s[i] / size);
        s[i] = 0;
      }
      out.add(new Tensor(g.name(), g.shape().clone(), next));
    }
    count = 0;
    return new ParameterSet(out, metadata);
  }
}
