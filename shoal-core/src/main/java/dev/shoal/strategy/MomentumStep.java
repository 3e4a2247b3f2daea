package dev.shoal.strategy;

/**
 * Server momentum (Hsu, Qi and Brown, "Measuring the Effects of Non-Identical Data Distribution for
 * Federated Visual Classification", 2019): u ← β·u + Δ, x ← x + η·u, with u = Δ in the first round.
 * This is SGD with momentum on the pseudo-gradient −Δ, as PyTorch's SGD and Flower's FedAvgM write it.
 */
final class MomentumStep extends ServerOptimizer {

  private final double lr;
  private final double momentum;
  private float[] u;

  MomentumStep(double lr, double momentum) {
    this.lr = lr;
    this.momentum = momentum;
  }

  @Override
  protected void initialise(int parameters) {
    u = new float[parameters];
  }

  @Override
  protected java.util.Map<String, float[]> arrays() {
    return java.util.Map.of("u", u);
  }

  @Override
  protected double step(int k, double delta) {
    double next = rounds() == 0 ? delta : momentum * u[k] + delta;
    u[k] = (float) next;
    return lr * next;
  }
}
