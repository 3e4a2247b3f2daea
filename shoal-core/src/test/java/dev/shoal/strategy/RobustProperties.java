package dev.shoal.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Properties of the robust strategies over random updates of three coordinates. */
class RobustProperties {

  static final List<String[]> STRATEGIES = List.of(
      new String[] {"fedmedian"}, new String[] {"fedtrimmedavg", "beta", "0.3"}, new String[] {"krum", "f", "1"},
      new String[] {"multikrum", "f", "1"}, new String[] {"bulyan", "f", "1"}, new String[] {"geomedian"},
      new String[] {"fedmedian", "nnm", "3"}, new String[] {"krum", "f", "1", "nnm", "2"});

  static List<ParameterSet> updates(int n, long seed, float spread) {
    Random r = new Random(seed);
    List<ParameterSet> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Robust.model((float) r.nextGaussian() * spread, (float) r.nextGaussian() * spread,
          (float) r.nextGaussian() * spread));
    }
    return out;
  }

  /** The strategy, with min-clients 7 (what Bulyan with f=1 needs). */
  static Strategy create(String[] spec) {
    String[] params = java.util.Arrays.copyOfRange(spec, 1, spec.length);
    return Robust.create(spec[0], 7, params);
  }

  @Property(tries = 60)
  void theOrderInWhichRepliesArriveDoesNotChangeTheAggregate(@ForAll @IntRange(min = 7, max = 12) int n,
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 7) int which) throws Exception {
    String[] spec = STRATEGIES.get(which);
    List<ParameterSet> u = updates(n, seed, 10);
    List<FitReply> replies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      replies.add(new FitReply("c%02d".formatted(i), u.get(i), 10 + i, java.util.Map.of()));
    }
    List<FitReply> shuffled = new ArrayList<>(replies);
    Collections.shuffle(shuffled, new Random(seed + 1));
    assertThat(aggregate(create(spec), replies)).as(spec[0]).containsExactly(aggregate(create(spec), shuffled));
  }

  @Property(tries = 60)
  void coordinateWiseRulesDoNotDependOnWhichClientSentWhat(@ForAll @IntRange(min = 1, max = 12) int n,
      @ForAll long seed, @ForAll boolean trimmed) throws Exception {
    String[] spec = STRATEGIES.get(trimmed ? 1 : 0);
    List<ParameterSet> u = updates(n, seed, 10);
    List<ParameterSet> permuted = new ArrayList<>(u);
    Collections.shuffle(permuted, new Random(seed + 1));
    assertThat(Robust.values(Robust.fold(create(spec), Robust.model(0, 0, 0), u).result()))
        .containsExactly(Robust.values(Robust.fold(create(spec), Robust.model(0, 0, 0), permuted).result()));
  }

  /**
   * F arbitrary updates (here huge, of either sign, claiming many examples) among h honest ones do
   * not move any coordinate of the median (F < h) or of the trimmed mean (F ≤ ⌊β·n⌋) outside the
   * honest updates' range on that coordinate.
   */
  @Property(tries = 100)
  void arbitraryUpdatesCannotLeaveTheHonestRange(@ForAll @IntRange(min = 1, max = 10) int honest,
      @ForAll @IntRange(min = 0, max = 9) int byzantine, @ForAll long seed, @ForAll boolean trimmed) throws Exception {
    int n = honest + byzantine;
    if (trimmed) {
      Assume.that(byzantine <= Math.floor(0.3 * n));
    } else {
      Assume.that(byzantine < honest);
    }
    List<ParameterSet> u = new ArrayList<>(updates(honest, seed, 1));
    Random r = new Random(seed);
    for (int i = 0; i < byzantine; i++) {
      float huge = (r.nextBoolean() ? 1 : -1) * 1e30f * (1 + r.nextFloat());
      u.add(Robust.model(huge, r.nextBoolean() ? huge : -huge, r.nextFloat() * 1e20f));
    }
    Collections.shuffle(u, r);
    float[] result = Robust.values(Robust.fold(create(STRATEGIES.get(trimmed ? 1 : 0)), Robust.model(0, 0, 0), u).result());
    List<float[]> honestValues = updates(honest, seed, 1).stream().map(Robust::values).toList();
    for (int k = 0; k < result.length; k++) {
      final int c = k;
      double lo = honestValues.stream().mapToDouble(v -> v[c]).min().orElseThrow();
      double hi = honestValues.stream().mapToDouble(v -> v[c]).max().orElseThrow();
      assertThat((double) result[k]).as("coordinate %d", k).isBetween(lo, hi);
    }
  }

  private static float[] aggregate(Strategy s, List<FitReply> replies) throws Exception {
    FitAggregation agg = s.beginFit(1, Robust.model(0, 0, 0));
    for (FitReply r : replies) {
      agg.add(r);
    }
    return Robust.values(agg.result());
  }
}
