package dev.shoal.contribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.train.CentralEvaluator;
import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.FitAggregation;
import dev.shoal.strategy.FitReply;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class FedAvgCoalitionsTest {

  static ParameterSet params(float... w) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {w.length}, w)), Map.of("model", "toy"));
  }

  /** −‖model − target‖₂: the closer the aggregate gets to the target, the better. */
  static ToDoubleFunction<ParameterSet> closenessTo(ParameterSet target, AtomicInteger calls) {
    return model -> {
      calls.incrementAndGet();
      float[] x = model.read("w").data();
      float[] t = target.read("w").data();
      double d = 0;
      for (int i = 0; i < x.length; i++) {
        d += (x[i] - t[i]) * (double) (x[i] - t[i]);
      }
      return -Math.sqrt(d);
    };
  }

  final ParameterSet global = params(0, 0);
  final ParameterSet target = params(1, 1);
  final List<FitReply> replies = List.of(
      new FitReply("a", params(1, 0), 1, Map.of()),
      new FitReply("b", params(0, 1), 1, Map.of()),
      new FitReply("c", params(1, 1), 2, Map.of()));

  @Test
  void aCoalitionIsWorthTheScoreOfItsExampleWeightedMean() {
    var coalitions = new FedAvgCoalitions(global, replies, closenessTo(target, new AtomicInteger()));
    assertThat(coalitions.aggregate(Games.of(0, 1)).read("w").data()).containsExactly(0.5f, 0.5f);
    assertThat(coalitions.aggregate(Games.of(0, 2)).read("w").data()).containsExactly(1f, 2f / 3);
    assertThat(coalitions.aggregate(Games.of())).isSameAs(global);
    assertThat(coalitions.value(Games.of(0, 1))).isCloseTo(-Math.sqrt(0.5), within(1e-6));
  }

  @Test
  void theWholeRoundIsWorthExactlyWhatFedAvgProduced() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    var scorer = closenessTo(target, calls);
    FitAggregation fedAvg = new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 0.0).beginFit(1, global);
    for (FitReply r : replies) {
      fedAvg.add(r);
    }
    Utility u = Utility.ofAggregates(global, replies, scorer);
    assertThat(u.ofAll()).isEqualTo(scorer.applyAsDouble(fedAvg.result()));
    assertThat(u.ofNone()).isEqualTo(-Math.sqrt(2));
  }

  @Test
  void leaveOneOutOnRealModelsAndEveryCoalitionIsScoredOnce() {
    AtomicInteger calls = new AtomicInteger();
    Utility u = Utility.ofAggregates(global, replies, closenessTo(target, calls));
    Scores loo = new LeaveOneOut().score(u);
    // N → (0.75, 0.75); without a → (2/3, 1); without b → (1, 2/3); without c → (0.5, 0.5)
    double all = -Math.sqrt(2 * 0.0625);
    assertThat(Games.array(loo)).containsExactly(
        new double[] {all + 1.0 / 3, all + 1.0 / 3, all + Math.sqrt(0.5)}, within(1e-6));
    assertThat(loo.evaluations()).isEqualTo(4);
    assertThat(calls).hasValue(4);

    Scores shapley = new ExactShapley().score(u);
    assertThat(shapley.evaluations()).isEqualTo(4);
    assertThat(calls).hasValue(8);
    assertThat(shapley.get(0)).isCloseTo(shapley.get(1), within(1e-6));
    assertThat(shapley.get(2)).isGreaterThan(shapley.get(0));
    assertThat(shapley.sum()).isCloseTo(u.ofAll() - u.ofNone(), within(1e-9));
    assertThat(calls).hasValue(8);
  }

  @Test
  void updatesIdenticalToTheGlobalModelContributeNothing() {
    var still = List.of(
        new FitReply("a", params(0, 0), 5, Map.of()), new FitReply("b", params(0, 0), 7, Map.of()));
    Utility u = Utility.ofAggregates(global, still, closenessTo(target, new AtomicInteger()));
    assertThat(Games.array(new ExactShapley().score(u))).containsExactly(0.0, 0.0);
    assertThat(Games.array(GtgShapley.defaults(1).score(u))).containsExactly(0.0, 0.0);
  }

  @Test
  void theCoordinatorsEvaluationCanBeTheScore() {
    CentralEvaluator evaluator = model -> new Evaluation(10, 2 + model.read("w").data()[0], 0.5 + model.read("w").data()[1]);
    Utility byAccuracy = Utility.ofAggregates(global, replies, evaluator, UtilityMeasure.ACCURACY);
    Utility byLoss = Utility.ofAggregates(global, replies, evaluator, UtilityMeasure.NEGATIVE_LOSS);
    assertThat(byAccuracy.ofNone()).isEqualTo(0.5);
    assertThat(byAccuracy.ofAll()).isEqualTo(1.25);
    assertThat(byLoss.ofNone()).isEqualTo(-2.0);
    assertThat(byLoss.ofAll()).isEqualTo(-2.75);
  }

  @Test
  void refusesRepliesItCannotScore() {
    var scorer = closenessTo(target, new AtomicInteger());
    assertThatThrownBy(() -> new FedAvgCoalitions(global, List.of(new FitReply("a", null, 3, Map.of())), scorer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reply of client 'a' has no parameters (secure aggregation?); contribution needs each update");
    assertThatThrownBy(() -> new FedAvgCoalitions(global, List.of(new FitReply("a", params(1, 2, 3), 3, Map.of())), scorer))
        .hasMessage("reply of client 'a' does not match the global model: tensor 'w' has shape [3], expected [2]");
    assertThatThrownBy(() -> new FedAvgCoalitions(global, List.of(new FitReply("a", params(1, 2), 0, Map.of())), scorer))
        .hasMessage("reply of client 'a' has numExamples=0, must be > 0");
    assertThatThrownBy(() -> new FedAvgCoalitions(
            global, List.of(new FitReply("a", params(1, 2), 1, Map.of()), new FitReply("a", params(1, 2), 1, Map.of())), scorer))
        .hasMessage("replies name client 'a' twice; each participant once");
    assertThatThrownBy(() -> new FedAvgCoalitions(global, List.of(), scorer))
        .hasMessage("replies must name at least one participant, got none");
  }
}
