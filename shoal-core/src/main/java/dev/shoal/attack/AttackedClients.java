package dev.shoal.attack;

import dev.shoal.data.FederatedData;
import dev.shoal.data.Dataset;
import dev.shoal.round.ClientPort;
import dev.shoal.round.Traffic;
import dev.shoal.strategy.EvaluateReply;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Seeds;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.tensor.TensorSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A simulation's clients with some of them attacking: the attackers' fit replies are replaced as
 * their {@link AttackPlan} says before the coordinator sees them. This wraps the simulation's
 * client port only; a node never runs it. Label flipping changes the attackers' data instead
 * ({@link #flipLabels}), before the clients are made.
 */
public final class AttackedClients implements ClientPort {

  private final ClientPort clients;
  private final AttackPlan plan;
  private final long seed;
  private final Map<Integer, Alie> alie = new HashMap<>();

  /** @param seed the run's seed, from which the Gaussian attack draws its noise */
  public AttackedClients(ClientPort clients, AttackPlan plan, long seed) {
    this.clients = clients;
    this.plan = plan;
    this.seed = seed;
  }

  /** The attackers' partitions with every class index y of C classes replaced by C − 1 − y, for label-flip. */
  public static Map<String, FederatedData> flipLabels(Map<String, FederatedData> data, AttackPlan plan) {
    if (plan.attack() != Attack.LABEL_FLIP) {
      return data;
    }
    Map<String, FederatedData> out = new LinkedHashMap<>(data);
    for (String a : plan.attackers()) {
      FederatedData d = data.get(a);
      out.put(a, new FederatedData(flipped(d.train()), d.test()));
    }
    return out;
  }

  static Dataset flipped(Dataset d) {
    if (!d.schema().task().hasClasses()) {
      throw new IllegalArgumentException("--attack label-flip needs classes to flip; this data's task is "
          + d.schema().task());
    }
    float[] targets = d.targets().clone();
    int last = d.schema().classCount() - 1;
    for (int i = 0; i < targets.length; i++) {
      targets[i] = last - targets[i];
    }
    return new Dataset(d.schema(), d.features(), targets);
  }

  @Override
  public FitReply fit(FitInstruction instruction) throws Exception {
    if (!plan.attacks(instruction.clientId()) || plan.attack() == Attack.LABEL_FLIP) {
      return clients.fit(instruction);
    }
    ParameterSet global = instruction.global();
    return switch (plan.attack()) {
      case SIGN_FLIP -> delta(clients.fit(instruction), global, d -> -plan.scale() * d);
      case SCALING -> delta(clients.fit(instruction), global, d -> plan.scale() * d);
      case GAUSSIAN -> gaussian(instruction);
      case INFLATE_EXAMPLES -> new FitReply(instruction.clientId(), global, (long) plan.scale(), Map.of());
      case ALIE -> alie(instruction);
      case LABEL_FLIP -> throw new AssertionError();
    };
  }

  /** The reply with each coordinate's change Δ from the global model replaced by {@code f(Δ)}. */
  static FitReply delta(FitReply honest, ParameterSet global, java.util.function.DoubleUnaryOperator f) {
    return replaced(honest, global, (name, i, g, x) -> (float) (g + f.applyAsDouble((double) x - g)));
  }

  /** The honest reply's example count with noise instead of its model. */
  private FitReply gaussian(FitInstruction instruction) throws Exception {
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, instruction.round(), instruction.clientId()));
    return replaced(clients.fit(instruction), instruction.global(),
        (name, i, g, x) -> (float) (g + plan.scale() * gaussian(rng)));
  }

  private static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Every attacker sends global + μ − z·σ of the attackers' honest updates of this round, with its own example count. */
  private FitReply alie(FitInstruction instruction) throws Exception {
    Alie stats = alieStats(instruction);
    ParameterSet global = instruction.global();
    List<String> names = global.names();
    FitReply shape = new FitReply(instruction.clientId(), global, stats.examples().get(instruction.clientId()), Map.of());
    return replaced(shape, global, (name, i, g, x) -> {
      int t = names.indexOf(name);
      return (float) (g + stats.mean()[t][i] - plan.scale() * stats.stddev()[t][i]);
    });
  }

  private record Alie(float[][] mean, float[][] stddev, Map<String, Long> examples) {}

  /**
   * The coordinate-wise mean and standard deviation of every attacker's honest update, trained
   * once per round with the seed each would get; the attackers collude, so all of them train.
   */
  private synchronized Alie alieStats(FitInstruction instruction) throws Exception {
    Alie cached = alie.get(instruction.round());
    if (cached != null) {
      return cached;
    }
    ParameterSet global = instruction.global();
    List<String> names = global.names();
    List<TensorSource> updates = new ArrayList<>();
    Map<String, Long> examples = new HashMap<>();
    for (String a : plan.attackers()) {
      var config = instruction.config().withSeed(Seeds.derive(seed, instruction.round(), a));
      FitReply honest = clients.fit(new FitInstruction(a, instruction.round(), global, config));
      updates.add(honest.parameters());
      examples.put(a, honest.numExamples());
    }
    float[][] means = new float[names.size()][];
    float[][] stddevs = new float[names.size()][];
    for (int t = 0; t < names.size(); t++) {
      float[] g = global.read(names.get(t)).data();
      double[] sum = new double[g.length];
      double[] sq = new double[g.length];
      for (TensorSource u : updates) {
        float[] x = u.read(names.get(t)).data();
        for (int i = 0; i < g.length; i++) {
          double d = (double) x[i] - g[i];
          sum[i] += d;
          sq[i] += d * d;
        }
      }
      int n = updates.size();
      means[t] = new float[g.length];
      stddevs[t] = new float[g.length];
      for (int i = 0; i < g.length; i++) {
        double mean = sum[i] / n;
        means[t][i] = (float) mean;
        stddevs[t][i] = (float) Math.sqrt(Math.max(0, sq[i] / n - mean * mean));
      }
    }
    Alie stats = new Alie(means, stddevs, Map.copyOf(examples));
    alie.keySet().removeIf(r -> r < instruction.round());
    alie.put(instruction.round(), stats);
    return stats;
  }

  @FunctionalInterface
  interface Coordinate {
    float apply(String tensor, int index, float global, float honest);
  }

  private static FitReply replaced(FitReply honest, ParameterSet global, Coordinate f) {
    List<Tensor> out = new ArrayList<>();
    for (String name : global.names()) {
      float[] g = global.read(name).data();
      float[] x = honest.parameters().read(name).data();
      float[] y = new float[g.length];
      for (int i = 0; i < g.length; i++) {
        y[i] = f.apply(name, i, g[i], x[i]);
      }
      out.add(new Tensor(name, global.read(name).shape().clone(), y));
    }
    return new FitReply(honest.clientId(), new ParameterSet(out, honest.parameters().metadata()), honest.numExamples(),
        honest.metrics());
  }

  @Override
  public List<String> available() {
    return clients.available();
  }

  @Override
  public EvaluateReply evaluate(String clientId, int round, ParameterSet global) throws Exception {
    return clients.evaluate(clientId, round, global);
  }

  @Override
  public void awaitAvailable(int count) throws InterruptedException {
    clients.awaitAvailable(count);
  }

  @Override
  public byte[] secagg(String clientId, int round, String stage, byte[] request) throws Exception {
    return clients.secagg(clientId, round, stage, request);
  }

  @Override
  public Traffic traffic() {
    return clients.traffic();
  }
}
