package dev.shoal.strategy;

/**
 * The adaptive server optimisers of Reddi et al., "Adaptive Federated Optimization", ICLR 2021,
 * Algorithm 2, for the round's mean update Δ:
 *
 * <pre>
 *   m ← β1·m + (1 − β1)·Δ
 *   v ← v + Δ²                               (FedAdagrad)
 *   v ← v − (1 − β2)·Δ²·sign(v − Δ²)         (FedYogi)
 *   v ← β2·v + (1 − β2)·Δ²                   (FedAdam)
 *   x ← x + η·m / (√v + τ)
 * </pre>
 *
 * from m = 0 and v = τ² (the paper asks v₋₁ ≥ τ²), without bias correction, as in the paper.
 */
final class AdaptiveStep extends ServerOptimizer {

  enum Kind { ADAGRAD, YOGI, ADAM }

  private final Kind kind;
  private final double eta;
  private final double beta1;
  private final double beta2;
  private final double tau;
  private float[] m;
  private float[] v;

  AdaptiveStep(Kind kind, double eta, double beta1, double beta2, double tau) {
    this.kind = kind;
    this.eta = eta;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.tau = tau;
  }

  @Override
  protected void initialise(int parameters) {
    m = new float[parameters];
    v = new float[parameters];
    java.util.Arrays.fill(v, (float) (tau * tau));
  }

  @Override
  protected java.util.Map<String, float[]> arrays() {
    java.util.Map<String, float[]> state = new java.util.LinkedHashMap<>();
    state.put("m", m);
    state.put("v", v);
    return state;
  }

  @Override
  protected double step(int k, double delta) {
    double mk = beta1 * m[k] + (1 - beta1) * delta;
    double d2 = delta * delta;
    double vk = v[k];
    vk = switch (kind) {
      case ADAGRAD -> vk + d2;
      case YOGI -> vk - (1 - beta2) * d2 * Math.signum(vk - d2);
      case ADAM -> beta2 * vk + (1 - beta2) * d2;
    };
    m[k] = (float) mk;
    v[k] = (float) vk;
    return eta * mk / (Math.sqrt(vk) + tau);
  }
}
