package dev.shoal.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two rounds of each server optimiser, computed by hand. Both start from x = (0, 1). Round 1:
 * client a returns (1, 1) with 1 example, b returns (3, −1) with 3, so the mean update is
 * Δ₁ = ((1·1 + 3·3)/4, (1·0 + 3·(−2))/4) = (2.5, −1.5). Round 2: both return x₁ + (1, 0.5) with 2
 * examples each, so Δ₂ = (1, 0.5).
 */
class ServerOptimizerTest {

  static ParameterSet xy(double x, double y) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[] {(float) x, (float) y})));
  }

  static float[] twoRounds(Strategy s) throws Exception {
    ParameterSet x0 = xy(0, 1);
    FitAggregation r1 = s.beginFit(1, x0);
    r1.add(new FitReply("a", xy(1, 1), 1, Map.of()));
    r1.add(new FitReply("b", xy(3, -1), 3, Map.of()));
    ParameterSet x1 = r1.result();
    float[] w1 = x1.read("w").data();
    FitAggregation r2 = s.beginFit(2, x1);
    r2.add(new FitReply("a", xy(w1[0] + 1, w1[1] + 0.5), 2, Map.of()));
    r2.add(new FitReply("b", xy(w1[0] + 1, w1[1] + 0.5), 2, Map.of()));
    return r2.result().read("w").data();
  }

  static float[] firstRound(Strategy s) throws Exception {
    FitAggregation r1 = s.beginFit(1, xy(0, 1));
    r1.add(new FitReply("a", xy(1, 1), 1, Map.of()));
    r1.add(new FitReply("b", xy(3, -1), 3, Map.of()));
    return r1.result().read("w").data();
  }

  @Test
  void fedAvgMAddsTheMomentumOfTheMeanUpdates() throws Exception {
    Strategy s = Robust.create("fedavgm", 1, "server-lr", "0.5", "momentum", "0.9");
    // u1 = Δ1 = (2.5, -1.5), x1 = (0, 1) + 0.5·u1 = (1.25, 0.25)
    assertThat(firstRound(Robust.create("fedavgm", 1, "server-lr", "0.5", "momentum", "0.9")))
        .containsExactly(1.25f, 0.25f);
    // u2 = 0.9·u1 + Δ2 = (3.25, -0.85), x2 = x1 + 0.5·u2 = (2.875, -0.175)
    assertThat(twoRounds(s)).containsExactly(new float[] {2.875f, -0.175f}, within(1e-6f));
  }

  @Test
  void fedAdam() throws Exception {
    // η = 0.1, β1 = 0.9, β2 = 0.99, τ = 1e-3, m = 0, v = τ² = 1e-6.
    // Round 1, w0: m = 0.1·2.5 = 0.25, v = 0.99e-6 + 0.01·6.25 = 0.06250099, x = 0.1·0.25 / (0.2500020 + 0.001) = 0.0996008
    //          w1: m = -0.15, v = 0.99e-6 + 0.01·2.25 = 0.02250099, x = 1 - 0.015 / (0.1500033 + 0.001) = 0.9006644
    // Round 2, w0: m = 0.9·0.25 + 0.1 = 0.325, v = 0.99·0.06250099 + 0.01 = 0.07187598, x = x1 + 0.0325 / 0.2690975 = 0.2203751
    //          w1: m = 0.9·(-0.15) + 0.05 = -0.085, v = 0.99·0.02250099 + 0.0025 = 0.02477598, x = x1 - 0.0085 / 0.1584050 = 0.8470041
    var s = Robust.create("fedadam", 1, "eta", "0.1", "beta1", "0.9", "beta2", "0.99", "tau", "1e-3");
    assertThat(twoRounds(s)).containsExactly(new float[] {0.2203751f, 0.8470041f}, within(2e-6f));
  }

  @Test
  void fedYogi() throws Exception {
    // as FedAdam, but v ← v − (1 − β2)·Δ²·sign(v − Δ²): round 1 w0 v = 1e-6 + 0.0625 = 0.062501 (Δ² > v),
    // round 2 w0 v = 0.062501 + 0.01 = 0.072501; w1: 1e-6 + 0.0225 = 0.022501, then 0.022501 + 0.0025 = 0.025001
    var s = Robust.create("fedyogi", 1, "eta", "0.1", "tau", "1e-3");
    assertThat(twoRounds(s)).containsExactly(new float[] {0.2198553f, 0.8472446f}, within(2e-6f));
  }

  @Test
  void fedAdagrad() throws Exception {
    // v ← v + Δ²: w0 v = 1e-6 + 6.25 then + 1 = 7.250001; w1 v = 1e-6 + 2.25 then + 0.25 = 2.500001.
    // Round 1 w0: x = 0.1·0.25 / (2.5000002 + 0.001) = 0.0099960; round 2 w0: x1 + 0.1·0.325 / (2.6925824 + 0.001) = 0.0220617
    var s = Robust.create("fedadagrad", 1, "eta", "0.1", "tau", "1e-3");
    assertThat(twoRounds(s)).containsExactly(new float[] {0.0220617f, 0.9846342f}, within(2e-6f));
  }

  @Test
  void aSecureSumTakesTheSameStepAsTheReplies() throws Exception {
    Strategy plain = Robust.create("fedadam", 1);
    Strategy secure = Robust.create("fedadam", 1);
    assertThat(secure.foldsSums()).isTrue();
    float[] expected = firstRound(plain);
    FitAggregation agg = secure.beginFit(1, xy(0, 1));
    // Σ w·(x − global) then Σ w: 1·(1, 0) + 3·(3, −2) = (10, −6), weight 4
    agg.addSum(new float[] {10, -6, 4}, List.of("a", "b"));
    assertThat(agg.count()).isEqualTo(2);
    assertThat(agg.result().read("w").data()).containsExactly(expected);
  }

  @Test
  void theDefaultsAreThoseDocumented() throws Exception {
    // FedAvgM: server-lr 1, momentum 0.9; round 1 adds Δ1
    assertThat(firstRound(Robust.create("fedavgm", 1))).containsExactly(2.5f, -0.5f);
    // FedAdam: η = 1e-2, τ = 1e-3: w0 = 0.01·0.25 / (0.2500020 + 0.001)
    assertThat(firstRound(Robust.create("fedadam", 1))[0]).isCloseTo(0.00996008f, within(1e-7f));
  }

  @Test
  void refusesParametersOutsideTheirRange() {
    assertThatThrownBy(() -> Robust.create("fedadam", 1, "beta1", "1"))
        .isInstanceOf(StrategyConfigurationException.class)
        .hasMessage("strategy 'fedadam': parameter beta1 must be in [0.0, 1.0), got beta1=1.0");
    assertThatThrownBy(() -> Robust.create("fedyogi", 1, "tau", "0"))
        .hasMessage("strategy 'fedyogi': parameter tau must be > 0, got tau=0.0");
    assertThatThrownBy(() -> Robust.create("fedavgm", 1, "momentum", "1.5"))
        .hasMessage("strategy 'fedavgm': parameter momentum must be in [0.0, 1.0), got momentum=1.5");
    assertThatThrownBy(() -> Robust.create("fedadagrad", 1, "beta2", "0.9"))
        .hasMessage("strategy 'fedadagrad' has no parameter beta2; it takes beta1, eta, tau");
  }
}
