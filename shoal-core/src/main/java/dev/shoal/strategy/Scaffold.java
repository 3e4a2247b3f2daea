package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.tensor.TensorSource;
import dev.shoal.train.FitConfig;
import dev.shoal.train.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * SCAFFOLD (Karimireddy et al., "SCAFFOLD: Stochastic Controlled Averaging for Federated
 * Learning", ICML 2020), the server's half. The server keeps a control variate c, one tensor per
 * parameter, and sends it beside the global model x as tensors named {@value #PREFIX}{@code
 * <parameter>} in the same safetensors file, with the required setting {@value #SETTING}. Each
 * client corrects its gradients by c − cᵢ and returns its model yᵢ and c + Δcᵢ under the same names
 * ({@link ScaffoldClient}). The server then takes
 *
 * <pre>
 * x ← x + η_g·(Σ nᵢ·yᵢ / Σ nᵢ − x)        the example-weighted mean, as FedAvg
 * c ← c + (|S| / N)·mean(Δcᵢ)             the plain mean over the |S| replies, N the clients available
 * </pre>
 *
 * <p>The control variates travel beside the model, so the upload and the download are twice
 * FedAvg's. The secure sum and differential privacy cover the model's parameters only, not the
 * control variates beside them, so this strategy does not claim to fold sums and is refused under
 * {@code --secagg} and {@code --dp-*}. c lives in the coordinator's memory: a resumed run starts
 * it from zero again, while nodes keep their cᵢ.
 */
public final class Scaffold implements Strategy {

  /** The prefix of the control variates' tensor names, in instructions and in replies. */
  public static final String PREFIX = "scaffold-control/";

  /** The required setting that tells a node to run SCAFFOLD's client step. */
  public static final String SETTING = "scaffold";

  public static final double DEFAULT_SERVER_LR = 1.0;

  private final FedAvg sampling;
  private final double serverLr;
  private ParameterSet control;
  private int available;

  Scaffold(StrategyContext c, double serverLr) {
    FitConfig fit = c.fit().withSettings(c.fit().settings().with(SETTING, new Setting.Flag(true, true)));
    this.sampling = new FedAvg(fit, c.fraction(), c.minClients(), c.fractionEvaluate());
    this.serverLr = serverLr;
  }

  @Override
  public String name() {
    return "scaffold";
  }

  /** The control variate c after the last round; empty before the first. */
  @Override
  public synchronized Optional<ParameterSet> serverState() {
    return Optional.ofNullable(control);
  }

  @Override
  public synchronized void restoreServerState(ParameterSet state) {
    control = state;
  }

  /** The server's control variate c under the prefixed names; zeros before the first round. */
  public synchronized ParameterSet control(ParameterSet global) {
    if (control == null) {
      List<Tensor> zeros = new ArrayList<>();
      for (Tensor t : global.tensors()) {
        zeros.add(new Tensor(PREFIX + t.name(), t.shape().clone(), new float[t.data().length]));
      }
      control = new ParameterSet(zeros);
    }
    return control;
  }

  @Override
  public synchronized List<FitInstruction> configureFit(int round, ParameterSet global, List<String> available,
      SplittableRandom rng) {
    this.available = available.size();
    List<Tensor> both = new ArrayList<>(global.tensors());
    both.addAll(control(global).tensors());
    ParameterSet sent = new ParameterSet(both, global.metadata());
    return sampling.configureFit(round, global, available, rng).stream()
        .map(i -> new FitInstruction(i.clientId(), i.round(), sent, i.config(), i.outbound()))
        .toList();
  }

  @Override
  public FitAggregation beginFit(int round, ParameterSet global) {
    ParameterSet c = control(global);
    int n;
    synchronized (this) {
      n = Math.max(available, 1);
    }
    WeightedSum models = new WeightedSum(global);
    WeightedSum controls = new WeightedSum(c);
    return new FitAggregation() {
      private ParameterSet result;

      @Override
      public void add(FitReply reply) {
        models.add(reply.parameters(), reply.numExamples());
        controls.add(reply.parameters(), 1);
      }

      @Override
      public int count() {
        return models.count();
      }

      @Override
      public ParameterSet result() {
        if (result == null) {
          int s = models.count();
          result = step(global, models.mean(global.metadata()), serverLr, Metadata.forRound(global.metadata(), round));
          ParameterSet next = step(c, controls.mean(c.metadata()), (double) s / n, c.metadata());
          synchronized (Scaffold.this) {
            control = next;
          }
        }
        return result;
      }
    };
  }

  /** The model's tensors of a reply, without the control variates SCAFFOLD sends beside them. */
  public static TensorSource modelOf(TensorSource reply) {
    return reply.without(PREFIX);
  }

  /** from + rate·(mean − from), tensor by tensor. */
  static ParameterSet step(ParameterSet from, ParameterSet mean, double rate, java.util.Map<String, String> metadata) {
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : from.tensors()) {
      float[] a = t.data();
      float[] m = mean.read(t.name()).data();
      float[] next = new float[a.length];
      for (int i = 0; i < a.length; i++) {
        next[i] = (float) (a[i] + rate * ((double) m[i] - a[i]));
      }
      out.add(new Tensor(t.name(), t.shape().clone(), next));
    }
    return new ParameterSet(out, metadata);
  }

  @Override
  public List<String> configureEvaluate(int round, List<String> available, SplittableRandom rng) {
    return sampling.configureEvaluate(round, available, rng);
  }

  /** Registers {@code scaffold} with the parameter {@code server-lr}. */
  public static final class Factory implements StrategyFactory {
    @Override
    public String name() {
      return "scaffold";
    }

    @Override
    public String summary() {
      return "SCAFFOLD: control variates correct each client's drift (Karimireddy et al. 2020); twice FedAvg's traffic";
    }

    @Override
    public Strategy create(StrategyContext context, StrategyParameters parameters) {
      if (!context.fit().optimizer().equals(dev.shoal.train.OptimizerConfig.SGD)) {
        throw parameters.refuse("SCAFFOLD's control update (x − y)/(K·lr) assumes plain SGD, got --optimizer "
            + context.fit().optimizer().describe());
      }
      return new Scaffold(context, ServerOptimizedStrategy.positive(parameters, "server-lr", DEFAULT_SERVER_LR));
    }
  }
}
