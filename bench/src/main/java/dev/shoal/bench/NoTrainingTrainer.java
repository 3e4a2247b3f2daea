package dev.shoal.bench;

import dev.shoal.data.Dataset;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * For benchmarks only: a trainer that does not train. {@link #fit} returns the parameters it was
 * given, each value moved up or down by a tiny amount (10⁻⁵ to 10⁻⁴) derived from the round's seed, so every client sends a different
 * update (the transport skips uploads of blobs the coordinator already holds) while the time a
 * round takes is coordinator and transport work, not training.
 */
public final class NoTrainingTrainer implements Trainer {

  @Override
  public ParameterSet initialParameters(long seed) {
    throw new UnsupportedOperationException("NoTrainingTrainer only answers fit requests");
  }

  @Override
  public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
    float shift = (float) (1e-5 + 9e-5 * new SplittableRandom(config.seed()).nextDouble());
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : parameters.tensors()) {
      float[] d = t.data().clone();
      for (int i = 0; i < d.length; i++) {
        d[i] += (i & 1) == 0 ? shift : -shift;
      }
      out.add(new Tensor(t.name(), t.shape(), d));
    }
    return new FitOutcome(new ParameterSet(out, parameters.metadata()), data.size(), Map.of());
  }

  @Override
  public Evaluation evaluate(ParameterSet parameters, Dataset data) {
    return new Evaluation(data.size(), Double.NaN, Double.NaN);
  }
}
