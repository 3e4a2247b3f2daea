package dev.shoal.djl;

/**
 * Thread pools of the PyTorch engine. Zero leaves a setting at PyTorch's default (one intra-op
 * thread per physical core).
 *
 * @param intraOpThreads threads one operation (a matrix product, a convolution) may use
 * @param interOpThreads threads for running independent operations in parallel
 */
public record EngineSettings(int intraOpThreads, int interOpThreads) {

  /** PyTorch's own defaults. */
  public static final EngineSettings DEFAULT = new EngineSettings(0, 0);

  public EngineSettings {
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intra-op threads must be >= 0 (0 = default), got " + intraOpThreads);
    }
    if (interOpThreads < 0) {
      throw new IllegalArgumentException("inter-op threads must be >= 0 (0 = default), got " + interOpThreads);
    }
  }
}
