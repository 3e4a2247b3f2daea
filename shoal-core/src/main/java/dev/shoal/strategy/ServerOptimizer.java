package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A server step that treats the round's mean update Δ (the weighted mean of the returned models
 * minus the global model) as a pseudo-gradient and keeps optimiser state from round to round
 * (Reddi et al., "Adaptive Federated Optimization", ICLR 2021). One instance serves one run: the
 * strategy hands the same instance out each round, and it is applied once per aggregated round,
 * from one thread at a time. {@link #state} and {@link #restore} carry its state over a restart.
 */
public abstract class ServerOptimizer implements ServerStep {

  private static final String ROUNDS = "rounds";

  private int rounds;

  /** Called once, with the model's parameter count, before the first step. */
  protected abstract void initialise(int parameters);

  /** The change to parameter {@code k} for its mean update {@code delta}, updating the state. */
  protected abstract double step(int k, double delta);

  /** The state's arrays by name, live (set by {@link #initialise}). */
  protected abstract Map<String, float[]> arrays();

  /** The state after the last step, a copy: one tensor per array and the rounds stepped; empty before the first. */
  public final Optional<ParameterSet> state() {
    if (rounds == 0) {
      return Optional.empty();
    }
    List<Tensor> tensors = new ArrayList<>();
    arrays().forEach((name, a) -> tensors.add(new Tensor(name, new int[] {a.length}, a.clone())));
    return Optional.of(new ParameterSet(tensors, Map.of(ROUNDS, Integer.toString(rounds))));
  }

  /** Goes on from {@code state}, as {@link #state} gave it. */
  public final void restore(ParameterSet state) {
    List<String> names = state.names();
    if (names.isEmpty() || !state.metadata().containsKey(ROUNDS)) {
      throw new IllegalArgumentException("not a server optimiser's state: " + names);
    }
    initialise(state.read(names.get(0)).data().length);
    arrays().forEach((name, a) -> {
      float[] saved = state.read(name).data();
      if (saved.length != a.length) {
        throw new IllegalArgumentException("server optimiser state '" + name + "' has " + saved.length
            + " values, not " + a.length);
      }
      System.arraycopy(saved, 0, a, 0, a.length);
    });
    rounds = Integer.parseInt(state.metadata().get(ROUNDS));
  }

  /** How many rounds this optimiser has stepped. */
  public int rounds() {
    return rounds;
  }

  @Override
  public final ParameterSet apply(ParameterSet global, float[] sum, double divisor, Map<String, String> metadata) {
    if (sum.length != UpdateVector.length(global)) {
      throw new IllegalArgumentException("a summed update of " + sum.length + " values does not fit a model of "
          + global.parameterCount() + " parameters");
    }
    if (!(divisor > 0)) {
      throw new IllegalArgumentException("cannot divide a summed update by " + divisor);
    }
    if (rounds == 0) {
      initialise(sum.length - 1);
    }
    List<Tensor> out = new ArrayList<>();
    int k = 0;
    for (String name : global.names()) {
      Tensor g = global.read(name);
      float[] base = g.data();
      float[] next = new float[base.length];
      for (int i = 0; i < base.length; i++, k++) {
        next[i] = (float) (base[i] + step(k, sum[k] / divisor));
      }
      out.add(new Tensor(name, g.shape().clone(), next));
    }
    rounds++;
    return new ParameterSet(out, metadata);
  }
}
