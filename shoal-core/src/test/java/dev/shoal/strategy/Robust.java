package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test helpers for the robust strategies: made through the registry, fed in-memory updates. */
final class Robust {

  private Robust() {}

  static Strategy create(String name, int minClients, String... keyValues) {
    Map<String, String> p = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.put(keyValues[i], keyValues[i + 1]);
    }
    var context = new StrategyContext(new FitConfig(1, 10, 0.1, 42), 1.0, minClients, 0.0);
    return Strategies.installed().create(name, context, new StrategyParameters(name, p));
  }

  /** A model of one tensor "w" and one tensor "b" of one value each, from {@code w0, w1, b}. */
  static ParameterSet model(float... values) {
    return new ParameterSet(List.of(
        new Tensor("w", new int[] {values.length - 1}, java.util.Arrays.copyOf(values, values.length - 1)),
        new Tensor("b", new int[] {1}, new float[] {values[values.length - 1]})));
  }

  /** The aggregate of {@code updates} (client i named "c" + i, each claiming a different example count). */
  static FitAggregation fold(Strategy s, ParameterSet global, List<ParameterSet> updates) throws Exception {
    FitAggregation agg = s.beginFit(1, global);
    for (int i = 0; i < updates.size(); i++) {
      agg.add(new FitReply("c%02d".formatted(i), updates.get(i), 1 + 1000L * i, Map.of()));
    }
    return agg;
  }

  /** All values of a model, tensor after tensor. */
  static float[] values(ParameterSet p) {
    int n = (int) p.parameterCount();
    float[] out = new float[n];
    int at = 0;
    for (Tensor t : p.tensors()) {
      System.arraycopy(t.data(), 0, out, at, t.size());
      at += t.size();
    }
    return out;
  }
}
