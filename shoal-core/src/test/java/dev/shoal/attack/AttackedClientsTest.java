package dev.shoal.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.data.FederatedData;
import dev.shoal.data.Dataset;
import dev.shoal.round.InProcessClients;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttackedClientsTest {

  static final int SIZE = 2000;

  /** Honest training with a known answer: every parameter moves up by the client's first label. */
  static final class StepByLabel implements Trainer {
    @Override
    public ParameterSet initialParameters(long seed) {
      return new ParameterSet(List.of(new Tensor("w", new int[] {SIZE}, new float[SIZE])));
    }

    @Override
    public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
      float[] w = parameters.read("w").data().clone();
      for (int i = 0; i < w.length; i++) {
        w[i] += data.label(0);
      }
      return new FitOutcome(new ParameterSet(List.of(new Tensor("w", new int[] {SIZE}, w))), data.size(), Map.of());
    }

    @Override
    public Evaluation evaluate(ParameterSet parameters, Dataset data) {
      return new Evaluation(data.size(), 0, 0);
    }
  }

  static FederatedData data(int label, int n) {
    float[] labels = new float[n];
    java.util.Arrays.fill(labels, label);
    Dataset d = new Dataset(dev.shoal.data.Schema.indexed(dev.shoal.data.Task.CLASSIFICATION, new int[] {1}, 10),
        new float[n], labels);
    return new FederatedData(d, d);
  }

  /** a (label 1, 10 examples), b (label 3, 20), c (label 5, 30). */
  static Map<String, FederatedData> clients() {
    Map<String, FederatedData> m = new LinkedHashMap<>();
    m.put("a", data(1, 10));
    m.put("b", data(3, 20));
    m.put("c", data(5, 30));
    return m;
  }

  static final ParameterSet GLOBAL = new ParameterSet(List.of(new Tensor("w", new int[] {SIZE}, filled(2))));

  static float[] filled(float v) {
    float[] a = new float[SIZE];
    java.util.Arrays.fill(a, v);
    return a;
  }

  static FitReply fit(AttackPlan plan, String client) throws Exception {
    var port = new AttackedClients(new InProcessClients(new StepByLabel(), AttackedClients.flipLabels(clients(), plan), 1),
        plan, 42);
    return port.fit(new FitInstruction(client, 1, GLOBAL, new FitConfig(1, 10, 0.1, 7)));
  }

  static AttackPlan plan(Attack attack, double scale, String... attackers) {
    return new AttackPlan(attack, List.of(attackers), scale, 3);
  }

  static float[] w(FitReply r) {
    return r.parameters().read("w").data();
  }

  @Test
  void signFlipSendsTheGlobalModelMinusScaleTimesTheUpdate() throws Exception {
    // a's honest update is +1: 2 - 4·1 = -2; b is honest: 2 + 3 = 5
    assertThat(w(fit(plan(Attack.SIGN_FLIP, 4, "a"), "a"))).containsOnly(-2f);
    assertThat(w(fit(plan(Attack.SIGN_FLIP, 4, "a"), "b"))).containsOnly(5f);
    assertThat(fit(plan(Attack.SIGN_FLIP, 4, "a"), "a").numExamples()).isEqualTo(10);
  }

  @Test
  void scalingMultipliesTheUpdate() throws Exception {
    // b's honest update is +3: 2 + 10·3 = 32
    assertThat(w(fit(plan(Attack.SCALING, 10, "b"), "b"))).containsOnly(32f);
  }

  @Test
  void gaussianSendsNoiseOfTheScaleAroundTheGlobalModel() throws Exception {
    float[] x = w(fit(plan(Attack.GAUSSIAN, 0.5, "a"), "a"));
    double mean = 0;
    double sq = 0;
    for (float v : x) {
      mean += (v - 2) / SIZE;
      sq += (v - 2) * (v - 2) / SIZE;
    }
    // 2000 draws of N(0, 0.25), fixed by the seed
    assertThat(mean).isCloseTo(0, within(0.05));
    assertThat(Math.sqrt(sq)).isCloseTo(0.5, within(0.05));
    assertThat(w(fit(plan(Attack.GAUSSIAN, 0.5, "a"), "a"))).containsExactly(x);
  }

  @Test
  void inflateExamplesSendsTheGlobalModelClaimingScaleExamples() throws Exception {
    FitReply r = fit(plan(Attack.INFLATE_EXAMPLES, 1e9, "c"), "c");
    assertThat(w(r)).containsOnly(2f);
    assertThat(r.numExamples()).isEqualTo(1_000_000_000L);
  }

  @Test
  void labelFlipTrainsTheAttackersOnLabelsNineMinusY() throws Exception {
    // a's label 1 becomes 8: 2 + 8 = 10; c is honest: 2 + 5
    assertThat(w(fit(plan(Attack.LABEL_FLIP, Double.NaN, "a"), "a"))).containsOnly(10f);
    assertThat(w(fit(plan(Attack.LABEL_FLIP, Double.NaN, "a"), "c"))).containsOnly(7f);
  }

  @Test
  void alieSendsTheAttackersMeanMinusZStandardDeviations() throws Exception {
    // attackers a and b: honest updates +1 and +3, mean 2, standard deviation 1; z = 1.5: 2 + 2 - 1.5 = 2.5
    AttackPlan p = plan(Attack.ALIE, 1.5, "a", "b");
    FitReply a = fit(p, "a");
    assertThat(w(a)).containsOnly(2.5f);
    assertThat(a.numExamples()).isEqualTo(10);
    assertThat(w(fit(p, "b"))).containsOnly(2.5f);
  }

  @Test
  void attackersAreChosenBySeedAndNamed() {
    List<String> ids = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");
    AttackPlan p = AttackPlan.choose(Attack.SIGN_FLIP, 3, ids, 42, Double.NaN);
    assertThat(p.attackers()).hasSize(3).isEqualTo(AttackPlan.choose(Attack.SIGN_FLIP, 3, ids, 42, Double.NaN).attackers());
    assertThat(p.scale()).isEqualTo(4);
    assertThat(p.describe()).isEqualTo("sign-flip (scale 4.000) by 3 of 10 clients: " + String.join(", ", p.attackers()));
    // Baruch et al.: n = 10, f = 3, s = 6 - 3 = 3, z = Φ⁻¹(0.7) = 0.5244
    assertThat(AttackPlan.choose(Attack.ALIE, 3, ids, 42, Double.NaN).scale()).isCloseTo(0.5244, within(1e-3));
  }

  @Test
  void refusesAttackersOutsideTheClientsAndAScaleForLabelFlip() {
    List<String> ids = List.of("a", "b");
    assertThatThrownBy(() -> AttackPlan.choose(Attack.SCALING, 3, ids, 1, Double.NaN))
        .hasMessage("--attackers must be in [1, 2] (the clients), got 3");
    assertThatThrownBy(() -> AttackPlan.choose(Attack.LABEL_FLIP, 1, ids, 1, 2))
        .hasMessage("--attack-scale does not apply to label-flip, which flips class y of C to C - 1 - y");
    assertThatThrownBy(() -> Attack.parse("flip"))
        .hasMessage("unknown attack 'flip'; the attacks are: sign-flip, gaussian, scaling, label-flip, alie, inflate-examples");
  }
}
