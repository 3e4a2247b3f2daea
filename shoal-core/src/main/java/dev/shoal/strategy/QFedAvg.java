package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.tensor.TensorSource;
import dev.shoal.train.FitConfig;
import dev.shoal.train.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * q-FedAvg (Li, Sanjabi, Beirami and Smith, "Fair Resource Allocation in Federated Learning", ICLR
 * 2020, Algorithm 2): clients whose loss is high weigh more, q tuning how much (q = 0 is the plain
 * mean of the returned models). Each client reports F_k, its training loss at the global model
 * before it trains (the required setting {@value #SETTING} asks for it as the metric {@value
 * #METRIC}); with L = 1 / the clients' learning rate and Δw_k = L·(x − y_k):
 *
 * <pre>
 * Δ_k = F_k^q·Δw_k
 * h_k = q·F_k^(q−1)·‖Δw_k‖² + L·F_k^q
 * x ← x − Σ Δ_k / Σ h_k
 * </pre>
 *
 * The fold keeps Σ Δ_k (one model-sized sum) and Σ h_k. It weighs by reported losses, not by
 * the sum of the updates alone, so it is not run under secure aggregation or differential privacy.
 */
public final class QFedAvg implements Strategy {

  /** The required setting that asks a client to report its loss before training. */
  public static final String SETTING = "report-start-loss";

  /** The metric a client reports it in: its mean training loss at the received model. */
  public static final String METRIC = "start_loss";

  public static final double DEFAULT_Q = 0.2;

  private final FedAvg sampling;
  private final double q;
  private final double lipschitz;

  QFedAvg(StrategyContext c, double q) {
    FitConfig fit = c.fit().withSettings(c.fit().settings().with(SETTING, new Setting.Flag(true, true)));
    this.sampling = new FedAvg(fit, c.fraction(), c.minClients(), c.fractionEvaluate());
    this.q = q;
    this.lipschitz = 1 / c.fit().learningRate();
  }

  @Override
  public String name() {
    return "qfedavg";
  }

  @Override
  public List<FitInstruction> configureFit(int round, ParameterSet global, List<String> available, SplittableRandom rng) {
    return sampling.configureFit(round, global, available, rng);
  }

  @Override
  public FitAggregation beginFit(int round, ParameterSet global) {
    List<String> names = global.names();
    float[][] sums = new float[names.size()][];
    for (int t = 0; t < sums.length; t++) {
      sums[t] = new float[global.read(names.get(t)).data().length];
    }
    return new FitAggregation() {
      private double h;
      private int count;
      private ParameterSet result;

      @Override
      public void add(FitReply reply) throws UpdateRejectedException {
        Double loss = reply.metrics().get(METRIC);
        if (loss == null || !(loss > 0) || loss.isInfinite()) {
          throw new UpdateRejectedException("q-FedAvg needs the client's loss before training as a positive metric "
              + METRIC + ", got " + loss);
        }
        TensorSource y = reply.parameters();
        double squares = 0;
        double[][] deltas = new double[names.size()][];
        for (int t = 0; t < names.size(); t++) {
          float[] x = global.read(names.get(t)).data();
          float[] yt = y.read(names.get(t)).data();
          double[] d = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            d[i] = lipschitz * ((double) x[i] - yt[i]);
            squares += d[i] * d[i];
          }
          deltas[t] = d;
        }
        double fq = Math.pow(loss, q);
        for (int t = 0; t < names.size(); t++) {
          for (int i = 0; i < deltas[t].length; i++) {
            sums[t][i] += (float) (fq * deltas[t][i]);
          }
        }
        h += q * Math.pow(loss, q - 1) * squares + lipschitz * fq;
        count++;
      }

      @Override
      public int count() {
        return count;
      }

      @Override
      public ParameterSet result() {
        if (result == null) {
          List<Tensor> out = new ArrayList<>();
          for (int t = 0; t < names.size(); t++) {
            Tensor g = global.read(names.get(t));
            float[] next = new float[g.data().length];
            for (int i = 0; i < next.length; i++) {
              next[i] = (float) (g.data()[i] - sums[t][i] / h);
            }
            out.add(new Tensor(g.name(), g.shape().clone(), next));
          }
          result = new ParameterSet(out, Metadata.forRound(global.metadata(), round));
        }
        return result;
      }
    };
  }

  @Override
  public List<String> configureEvaluate(int round, List<String> available, SplittableRandom rng) {
    return sampling.configureEvaluate(round, available, rng);
  }

  /** Registers {@code qfedavg} with the parameter {@code q}. */
  public static final class Factory implements StrategyFactory {
    @Override
    public String name() {
      return "qfedavg";
    }

    @Override
    public String summary() {
      return "q-FedAvg: clients with higher loss weigh more, by q (Li et al. 2020, q-FFL)";
    }

    @Override
    public Strategy create(StrategyContext context, StrategyParameters parameters) {
      double q = parameters.number("q", DEFAULT_Q);
      if (!(q >= 0)) {
        throw parameters.refuse("parameter q must be >= 0, got q=" + q);
      }
      return new QFedAvg(context, q);
    }
  }
}
