package dev.shoal.privacy;

import dev.shoal.strategy.FitAggregation;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.ServerStep;
import dev.shoal.strategy.Metadata;
import dev.shoal.strategy.UpdateRejectedException;
import dev.shoal.strategy.UpdateVector;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.tensor.TensorSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DP-FedAvg round's aggregate (McMahan, Ramage, Talwar and Zhang, "Learning Differentially
 * Private Recurrent Language Models", ICLR 2018), folded in one model-sized buffer however many
 * updates arrive. Each update is the difference Δᵢ between a client's model and the round's
 * global model; the next global model is global + (Σᵢ Δᵢ + noise) / (expected number of clients),
 * unweighted: a client's number of examples does not count, so no client moves the model by more
 * than C/(expected clients) before noise.
 *
 * <ul>
 *   <li>{@link DpConfig.Mode#CENTRAL}: {@link #add} clips each update to norm C over all tensors
 *       jointly; {@link #result} adds N(0, (z_Δ·C)²) to every coordinate of the sum.
 *   <li>{@link DpConfig.Mode#DISTRIBUTED}: the clients clip their updates and add their shares of
 *       the noise, and the updates arrive only as their secure sum, through {@link #addSum};
 *       {@link #result} adds no noise. A single update would carry only one share of the noise, so
 *       {@link #add} refuses it.
 * </ul>
 *
 * <p>With adaptive clipping the fraction of updates whose norm was at most C is counted, noised
 * once and used for the next clip norm, which the next global model carries in its metadata under
 * {@link DpFedAvg#CLIP_NORM_METADATA}. Used from one thread at a time.
 */
public final class DpAggregation implements FitAggregation {

  private static final Logger log = LoggerFactory.getLogger(DpAggregation.class);

  private final DpConfig dp;
  private final int round;
  private final ParameterSet global;
  private final double clipNorm;
  private final double expectedClients;
  private final GaussianNoise noise;
  private final ServerStep step;
  private final List<String> names;
  private float[][] sums;
  private int count;
  private int unclipped;
  private double noisedUnclippedFraction = Double.NaN;
  private ParameterSet result;
  private Map<String, Double> metrics;

  DpAggregation(DpConfig dp, int round, ParameterSet global, double clipNorm, double expectedClients, GaussianNoise noise,
      ServerStep step) {
    this.step = step;
    this.dp = dp;
    this.round = round;
    this.global = global;
    this.clipNorm = clipNorm;
    this.expectedClients = expectedClients;
    this.noise = noise;
    this.names = global.names();
    this.sums = new float[names.size()][];
    for (int t = 0; t < sums.length; t++) {
      sums[t] = new float[global.read(names.get(t)).size()];
    }
  }

  /** The clip norm C of this round. */
  public double clipNorm() {
    return clipNorm;
  }

  /** The denominator of this round: the expected number of clients. */
  public double expectedClients() {
    return expectedClients;
  }

  /**
   * The standard deviation of the noise on the sum of updates: z_Δ·C (in distributed mode the
   * total the clients' shares should add up to).
   */
  public double noiseStddev() {
    return dp.sumNoiseMultiplier() * clipNorm;
  }

  @Override
  public void add(FitReply reply) throws UpdateRejectedException {
    requireOpen();
    TensorSource model = reply.parameters();
    double scale = 1;
    if (dp.mode() == DpConfig.Mode.CENTRAL) {
      double norm = UpdateClipping.norm(global, model);
      if (!Double.isFinite(norm)) {
        throw new UpdateRejectedException("update norm is not finite: " + norm);
      }
      scale = UpdateClipping.scale(norm, clipNorm);
      if (norm <= clipNorm) {
        unclipped++;
      }
    } else {
      throw new UpdateRejectedException("in distributed DP mode updates are taken only as a secure sum:"
          + " one update carries only its client's share of the noise");
    }
    for (int t = 0; t < sums.length; t++) {
      float[] x = model.read(names.get(t)).data();
      float[] g = global.read(names.get(t)).data();
      float[] s = sums[t];
      for (int i = 0; i < s.length; i++) {
        s[i] += (float) (scale * ((double) x[i] - g[i]));
      }
    }
    count++;
  }

  /**
   * Distributed mode: folds in the secure sum of the {@code contributors}' clipped and noised
   * update vectors ({@link UpdateVector}: the flat update in the order of the global model's
   * names, then a weight of 1 each). {@link #result()} then gives the next global model.
   */
  @Override
  public void addSum(float[] sum, List<String> contributors) {
    requireOpen();
    if (dp.mode() != DpConfig.Mode.DISTRIBUTED) {
      throw new IllegalStateException("a noised sum is only taken in mode DISTRIBUTED, this round is " + dp.mode());
    }
    if (contributors.isEmpty()) {
      throw new IllegalArgumentException("a secure sum needs at least one contributor");
    }
    if (sum.length != global.parameterCount() + 1) {
      throw new IllegalArgumentException("the sum has %d values, the model %d parameters and a weight"
          .formatted(sum.length, global.parameterCount()));
    }
    int k = 0;
    for (float[] s : sums) {
      for (int i = 0; i < s.length; i++) {
        s[i] += sum[k++];
      }
    }
    count += contributors.size();
  }

  @Override
  public int count() {
    return count;
  }

  @Override
  public ParameterSet result() {
    if (result != null) {
      return result;
    }
    requireOpen();
    if (count == 0 || !(expectedClients > 0)) {
      throw new IllegalStateException(
          "nothing to aggregate in round %d: %d updates, %s expected".formatted(round, count, expectedClients));
    }
    double stddev = dp.mode() == DpConfig.Mode.CENTRAL ? noiseStddev() : 0;
    var meta = Metadata.forRound(global.metadata(), round);
    double next = nextClipNorm();
    if (dp.clipping() instanceof Clipping.Adaptive) {
      meta.put(DifferentiallyPrivate.CLIP_NORM_METADATA, Double.toString(next));
    }
    float[] sum = new float[UpdateVector.length(global)];
    int at = 0;
    for (float[] s : sums) {
      noise.addTo(s, stddev);
      System.arraycopy(s, 0, sum, at, s.length);
      at += s.length;
    }
    sums = null;
    result = step.apply(global, sum, expectedClients, meta);
    log.info("dp round aggregated round={} mode={} updates={} expected_clients={} clip_norm={} noise_stddev={} next_clip_norm={}",
        round, dp.mode(), count, expectedClients, clipNorm, noiseStddev(), next);
    return result;
  }

  /**
   * The clip norm for the next round: the same with fixed clipping, C·exp(−η(b̃ − γ)) with
   * adaptive clipping.
   */
  public double nextClipNorm() {
    if (dp.clipping() instanceof Clipping.Adaptive a) {
      return a.next(clipNorm, unclippedFraction());
    }
    return clipNorm;
  }

  /**
   * The share of updates whose norm was at most C, as the round releases it: noised once,
   * (count + N(0, σ_b²)) / expected clients, with adaptive clipping; the plain share of the
   * updates folded in otherwise (NaN when none were or none were expected, or in distributed mode).
   */
  public double unclippedFraction() {
    if (dp.mode() == DpConfig.Mode.DISTRIBUTED || !(expectedClients > 0)) {
      return Double.NaN;
    }
    if (dp.clipping() instanceof Clipping.Adaptive a) {
      if (Double.isNaN(noisedUnclippedFraction)) {
        noisedUnclippedFraction = (unclipped + noise.next(a.countNoiseStddev())) / expectedClients;
      }
      return noisedUnclippedFraction;
    }
    return count == 0 ? Double.NaN : (double) unclipped / count;
  }

  /**
   * {@code epsilon} and {@code delta} spent after this round, {@code clip_norm} (C of this
   * round), {@code noise_stddev} (on the sum) and, in central mode, {@code
   * clients_clipped_fraction} (noised with adaptive clipping).
   */
  @Override
  public Map<String, Double> metrics() {
    if (metrics == null) {
      Map<String, Double> m = new TreeMap<>();
      m.put("epsilon", dp.epsilonAfter(round).epsilon());
      m.put("delta", dp.delta());
      m.put("clip_norm", clipNorm);
      m.put("noise_stddev", noiseStddev());
      double unclippedFraction = unclippedFraction();
      if (!Double.isNaN(unclippedFraction)) {
        m.put("clients_clipped_fraction", 1 - unclippedFraction);
      }
      metrics = Map.copyOf(m);
    }
    return metrics;
  }

  private void requireOpen() {
    if (sums == null) {
      throw new IllegalStateException("round " + round + " was already aggregated");
    }
  }
}
