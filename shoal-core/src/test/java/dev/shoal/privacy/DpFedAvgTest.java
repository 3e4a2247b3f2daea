package dev.shoal.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.privacy.DpConfig.Mode;
import dev.shoal.privacy.DpConfig.Sampling;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Outbound;
import dev.shoal.strategy.UpdateRejectedException;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DpFedAvgTest {

  static final FitConfig FIT = new FitConfig(1, 10, 0.1, 1);

  static DpConfig config(double z, Clipping clipping, Sampling sampling, double q, Mode mode, OptionalDouble target) {
    return new DpConfig(z, clipping, sampling, q, 1e-5, target, Conversion.BALLE, mode);
  }

  static DifferentiallyPrivate strategy(double z, Clipping clipping, Sampling sampling, double q) {
    return DifferentiallyPrivate.fedAvg(FIT, 0, config(z, clipping, sampling, q, Mode.CENTRAL, OptionalDouble.empty()));
  }

  static ParameterSet vector(float... values) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {values.length}, values)));
  }

  static ParameterSet twoTensors(float a, float b0, float b1) {
    return new ParameterSet(List.of(
        new Tensor("a", new int[] {1}, new float[] {a}), new Tensor("b", new int[] {2}, new float[] {b0, b1})));
  }

  static List<String> clients(int n) {
    return IntStream.range(0, n).mapToObj(i -> "c%03d".formatted(i)).toList();
  }

  static FitReply reply(String id, ParameterSet model, long examples) {
    return new FitReply(id, model, examples, Map.of());
  }

  /** Runs one round in which the clients return {@code models}; returns the aggregation. */
  static DpAggregation round(DifferentiallyPrivate s, int round, ParameterSet global, List<ParameterSet> models)
      throws UpdateRejectedException {
    List<FitInstruction> sampled = s.configureFit(round, global, clients(models.size()), new SplittableRandom(round));
    assertThat(sampled).hasSize(models.size());
    DpAggregation a = s.beginFit(round, global);
    for (int i = 0; i < models.size(); i++) {
      a.add(reply(sampled.get(i).clientId(), models.get(i), 1 + 1000L * i));
    }
    return a;
  }

  @Test
  void withoutNoiseAndAHugeClipNormARoundIsThePlainUnweightedMean() throws Exception {
    for (Sampling sampling : Sampling.values()) {
      DifferentiallyPrivate s = strategy(0, new Clipping.Fixed(1e6), sampling, 1.0);
      ParameterSet global = twoTensors(1, 2, 3);
      DpAggregation a = round(s, 1, global, List.of(twoTensors(2, 2, 0), twoTensors(4, 5, 3), twoTensors(0, 2, 3)));
      ParameterSet next = a.result();
      // The example counts (1, 1001, 2001) do not matter: (2 + 4 + 0)/3 and so on.
      assertThat(next.read("a").data()[0]).isCloseTo(2f, within(1e-6f));
      assertThat(next.read("b").data()).containsExactly(3f, 2f);
      assertThat(next.metadata()).containsEntry("round", "1");
      assertThat(a.metrics()).containsEntry("clip_norm", 1e6).containsEntry("noise_stddev", 0.0)
          .containsEntry("clients_clipped_fraction", 0.0).containsEntry("delta", 1e-5);
    }
  }

  @Test
  void eachUpdateIsClippedOverAllItsTensorsBeforeTheSum() throws Exception {
    DifferentiallyPrivate s = strategy(0, new Clipping.Fixed(1), Sampling.FIXED, 1.0);
    ParameterSet global = twoTensors(0, 0, 0);
    // Δ₁ = (3 | 0, 4), norm 5, becomes (0.6 | 0, 0.8); Δ₂ = (0 | 0.5, 0) stays.
    DpAggregation a = round(s, 1, global, List.of(twoTensors(3, 0, 4), twoTensors(0, 0.5f, 0)));
    ParameterSet next = a.result();
    assertThat(next.read("a").data()[0]).isCloseTo(0.3f, within(1e-6f));
    assertThat(next.read("b").data()[0]).isCloseTo(0.25f, within(1e-6f));
    assertThat(next.read("b").data()[1]).isCloseTo(0.4f, within(1e-6f));
    assertThat(a.metrics()).containsEntry("clients_clipped_fraction", 0.5);
  }

  @Test
  void theNoiseOnTheResultIsZTimesCOverTheExpectedClients() throws Exception {
    int n = 100_000;
    double z = 1.5;
    double clip = 2;
    // Poisson at q = 0.5 over 10 available: the denominator is 5 whoever was sampled.
    DifferentiallyPrivate s = DifferentiallyPrivate.fedAvg(FIT, 0, config(z, new Clipping.Fixed(clip), Sampling.POISSON, 0.5, Mode.CENTRAL,
        OptionalDouble.empty()));
    ParameterSet global = vector(new float[n]);
    List<FitInstruction> sampled = s.configureFit(1, global, clients(10), new SplittableRandom(2));
    DpAggregation a = s.beginFit(1, global);
    for (FitInstruction i : sampled) {
      a.add(reply(i.clientId(), global, 10));
    }
    assertThat(sampled).isNotEmpty();
    assertThat(a.expectedClients()).isEqualTo(5.0);
    float[] out = a.result().read("w").data();
    double sumSq = 0;
    for (float v : out) {
      sumSq += (double) v * v;
    }
    double expected = z * clip / 5;
    // σ̂/σ has standard error 1/√(2n) ≈ 0.0022: 3% is over ten of them, a 10% error far outside.
    assertThat(Math.sqrt(sumSq / n) / expected).isCloseTo(1, within(0.03));
    assertThat(a.metrics()).containsEntry("noise_stddev", z * clip);
  }

  @Test
  void adaptiveClippingMovesTheClipNormToTheTargetQuantileOfTheUpdateNorms() throws Exception {
    // 100 clients whose updates have norms 0.1, 0.2, …, 10: the median is about 5.
    List<ParameterSet> models = IntStream.rangeClosed(1, 100).mapToObj(i -> vector(i / 10f)).toList();
    DifferentiallyPrivate s = strategy(0.5, new Clipping.Adaptive(0.5, 0.5, 0.2, 1.0), Sampling.POISSON, 1.0);
    ParameterSet global = vector(0f);
    List<Double> clips = new ArrayList<>();
    for (int round = 1; round <= 300; round++) {
      DpAggregation a = round(s, round, global, models);
      clips.add(a.clipNorm());
      assertThat(s.clipNorm(global)).isEqualTo(a.clipNorm());
      // The next round starts from the same global model, carrying only the new clip norm.
      String next = a.result().metadata(DifferentiallyPrivate.CLIP_NORM_METADATA).orElseThrow();
      assertThat(Double.parseDouble(next)).isEqualTo(a.nextClipNorm());
      global = global.withMetadata(DifferentiallyPrivate.CLIP_NORM_METADATA, next);
      assertThat(a.metrics().get("clients_clipped_fraction")).isCloseTo(1 - a.unclippedFraction(), within(1e-12));
    }
    assertThat(clips.get(0)).isEqualTo(0.5);
    double lastMean = clips.subList(200, 300).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    // The count noise (σ_b = 1 over 100 clients) moves the fraction by about 0.01, C by about 0.1.
    assertThat(lastMean).isCloseTo(5.0, within(0.6));
  }

  @Test
  void poissonSamplingKeepsEachClientWithProbabilityQAndFixedSamplingDrawsRoundQN() {
    ParameterSet global = vector(0f);
    List<String> available = clients(1000);
    DifferentiallyPrivate poisson = strategy(1, new Clipping.Fixed(1), Sampling.POISSON, 0.3);
    int total = 0;
    for (int round = 1; round <= 20; round++) {
      List<FitInstruction> s = poisson.configureFit(round, global, available, new SplittableRandom(round));
      assertThat(s).extracting(FitInstruction::clientId).doesNotHaveDuplicates().isSubsetOf(available);
      total += s.size();
    }
    // 20 × Binomial(1000, 0.3): mean 6000, sd 65; the bound is seven sd.
    assertThat(total).isBetween(5550, 6450);
    DifferentiallyPrivate fixed = strategy(1, new Clipping.Fixed(1), Sampling.FIXED, 0.3);
    assertThat(fixed.configureFit(1, global, available, new SplittableRandom(1)))
        .hasSize(300).extracting(FitInstruction::clientId).doesNotHaveDuplicates().isSubsetOf(available);
    DifferentiallyPrivate fixedQuarter = strategy(1, new Clipping.Fixed(1), Sampling.FIXED, 0.25);
    assertThat(fixedQuarter.configureFit(1, global, clients(10), new SplittableRandom(1))).hasSize(3);
    assertThat(fixedQuarter.beginFit(1, global).expectedClients()).isEqualTo(3);
  }

  @Test
  void theEpsilonOfEachRoundIsTheAccountantsForThatManySteps() throws Exception {
    DifferentiallyPrivate s = strategy(1.1, new Clipping.Fixed(1), Sampling.POISSON, 1.0);
    ParameterSet global = vector(0f);
    for (int round = 1; round <= 5; round++) {
      DpAggregation a = round(s, round, global, List.of(vector(1f), vector(2f)));
      global = a.result();
      double direct = new RdpAccountant().steps(1.0, 1.1, round).epsilon(1e-5, Conversion.BALLE).epsilon();
      assertThat(a.metrics().get("epsilon")).isEqualTo(direct);
    }
    // A resumed run's round 9 is accounted as the ninth step.
    DifferentiallyPrivate resumed = strategy(1.1, new Clipping.Fixed(1), Sampling.POISSON, 1.0);
    assertThat(round(resumed, 9, global, List.of(vector(1f))).metrics().get("epsilon"))
        .isEqualTo(new RdpAccountant().steps(1.0, 1.1, 9).epsilon(1e-5).epsilon());
  }

  @Test
  void adaptiveClippingIsAccountedAtTheConfiguredNoiseMultiplier() throws Exception {
    DifferentiallyPrivate s = strategy(1.0, new Clipping.Adaptive(1, 0.5, 0.2, 2.5), Sampling.POISSON, 0.5);
    s.configureFit(1, vector(0f), clients(4), new SplittableRandom(1));
    DpAggregation a = s.beginFit(1, vector(0f));
    assertThat(a.metrics().get("epsilon"))
        .isEqualTo(new RdpAccountant().step(0.5, 1.0).epsilon(1e-5).epsilon());
    assertThat(a.metrics().get("noise_stddev")).isCloseTo(1 / Math.sqrt(0.96), within(1e-12));
  }

  @Test
  void stopBeforeTriggersAtTheFirstRoundThatWouldExceedTheTarget() {
    double eps3 = new RdpAccountant().steps(0.2, 1.0, 3).epsilon(1e-5).epsilon();
    double eps4 = new RdpAccountant().steps(0.2, 1.0, 4).epsilon(1e-5).epsilon();
    double target = (eps3 + eps4) / 2;
    DifferentiallyPrivate s = DifferentiallyPrivate.fedAvg(FIT, 0, config(1.0, new Clipping.Fixed(1), Sampling.POISSON, 0.2, Mode.CENTRAL,
        OptionalDouble.of(target)));
    assertThat(s.stopBefore(1)).isEmpty();
    assertThat(s.stopBefore(3)).isEmpty();
    assertThat(s.stopBefore(4)).hasValueSatisfying(reason -> assertThat(reason)
        .contains("epsilon after 3 rounds is %.6g".formatted(eps3))
        .contains("round 4 would take it to %.6g".formatted(eps4))
        .contains("above the target " + target));
    assertThat(s.stopBefore(5)).isPresent();
    assertThat(strategy(1.0, new Clipping.Fixed(1), Sampling.POISSON, 0.2).stopBefore(1000)).isEmpty();
  }

  @Test
  void aFixedSampleThatRoundsToNoClientsStillReportsMetrics() {
    DifferentiallyPrivate s = strategy(1, new Clipping.Fixed(1), Sampling.FIXED, 0.1);
    assertThat(s.configureFit(1, vector(0f), clients(4), new SplittableRandom(1))).isEmpty();
    DpAggregation a = s.beginFit(1, vector(0f));
    assertThat(a.count()).isZero();
    assertThat(a.metrics()).containsKeys("epsilon", "delta", "clip_norm", "noise_stddev");
    assertThatThrownBy(a::result).hasMessage("nothing to aggregate in round 1: 0 updates, 0.0 expected");
  }

  @Test
  void aRoundMustBeSampledBeforeItIsAggregated() {
    DifferentiallyPrivate s = strategy(1, new Clipping.Fixed(1), Sampling.POISSON, 0.5);
    assertThatThrownBy(() -> s.beginFit(1, vector(0f)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("round 1 was not sampled by this strategy (last sampled round: -1)");
  }

  @Test
  void distributedModeAsksClientsToClipAndNoiseAndTakesOnlyTheirSecureSum() throws Exception {
    DpConfig dp = config(2, new Clipping.Fixed(1), Sampling.FIXED, 1.0, Mode.DISTRIBUTED, OptionalDouble.empty());
    DifferentiallyPrivate s = DifferentiallyPrivate.fedAvg(FIT, 0, dp);
    ParameterSet global = vector(1f, 1f);
    var fits = s.configureFit(1, global, clients(4), new SplittableRandom(1));
    // Each of 4 clients clips to 1 and adds a share of 2·1/√4 = 1.
    assertThat(fits).hasSize(4).allSatisfy(f -> assertThat(f.outbound()).isEqualTo(new Outbound(false, 1, 1.0, 1.0)));
    assertThat(s.foldsSums()).isTrue();
    DpAggregation a = s.beginFit(1, global);
    assertThatThrownBy(() -> a.add(reply("c000", vector(2f, 2f), 1)))
        .isInstanceOf(UpdateRejectedException.class)
        .hasMessageContaining("updates are taken only as a secure sum");
    a.addSum(new float[] {4f, 0f, 4f}, List.of("c000", "c001", "c002", "c003"));
    assertThat(a.count()).isEqualTo(4);
    // 1 + 4/4, 1 + 0/4: no noise of its own
    assertThat(a.result().read("w").data()).containsExactly(2f, 1f);
    assertThat(a.metrics()).containsEntry("noise_stddev", 2.0).doesNotContainKey("clients_clipped_fraction");
  }

  @Test
  void aSumIsOnlyTakenInDistributedMode() {
    DifferentiallyPrivate s = strategy(1, new Clipping.Fixed(1), Sampling.FIXED, 1.0);
    s.configureFit(1, vector(0f), clients(2), new SplittableRandom(1));
    DpAggregation a = s.beginFit(1, vector(0f));
    assertThatThrownBy(() -> a.addSum(new float[2], List.of("a", "b"))).hasMessage("a noised sum is only taken in mode DISTRIBUTED, this round is CENTRAL");
  }
}
