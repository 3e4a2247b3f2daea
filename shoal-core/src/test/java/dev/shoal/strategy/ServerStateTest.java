package dev.shoal.strategy;

import static dev.shoal.strategy.ServerOptimizerTest.xy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A strategy that carries state from round to round gives it out after a round and takes it back
 * in a new instance (a coordinator started again): round 2 then gives the same model, bit for bit,
 * as in one uninterrupted instance.
 */
class ServerStateTest {

  /** Round {@code round}'s replies from {@code global}: two clients, different counts. */
  static ParameterSet round(Strategy s, int round, ParameterSet global) throws Exception {
    float[] w = global.read("w").data();
    FitAggregation agg = s.beginFit(round, global);
    agg.add(new FitReply("a", reply(w[0] + 1, w[1] - 0.5f * round), 1, Map.of()));
    agg.add(new FitReply("b", reply(w[0] + 3, w[1] + 0.25f), 3, Map.of()));
    return agg.result();
  }

  /** A model (0, 1) moved to (x, y), with SCAFFOLD's control variates beside it (used by scaffold only). */
  static ParameterSet reply(float x, float y) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[] {x, y}),
        new Tensor(Scaffold.PREFIX + "w", new int[] {2}, new float[] {x / 10, y / 10})));
  }

  /** What round 2 leaves: the model and the state carried to round 3 (SCAFFOLD's model does not depend on c). */
  static List<float[]> afterRound2(Strategy s, ParameterSet x1) throws Exception {
    List<float[]> out = new java.util.ArrayList<>();
    out.add(round(s, 2, x1).read("w").data());
    s.serverState().orElseThrow().tensors().forEach(t -> out.add(t.data()));
    return out;
  }

  static void resumesAsUninterrupted(Supplier<Strategy> strategy) throws Exception {
    ParameterSet x0 = xy(0, 1);
    Strategy whole = strategy.get();
    List<float[]> expected = afterRound2(whole, round(whole, 1, x0));

    Strategy before = strategy.get();
    ParameterSet x1 = round(before, 1, x0);
    Strategy after = strategy.get();
    after.restoreServerState(before.serverState().orElseThrow());
    assertThat(afterRound2(after, x1)).as(whole.name()).containsExactlyElementsOf(expected);

    // without the state, round 2 differs: the test would notice a state that is not carried
    assertThat(java.util.Arrays.deepEquals(afterRound2(strategy.get(), x1).toArray(), expected.toArray()))
        .as(whole.name()).isFalse();
  }

  @Test
  void everyStrategyWithServerStateResumesAsAnUninterruptedOne() throws Exception {
    resumesAsUninterrupted(() -> Robust.create("fedavgm", 1));
    resumesAsUninterrupted(() -> Robust.create("fedadam", 1, "eta", "0.1"));
    resumesAsUninterrupted(() -> Robust.create("fedyogi", 1, "eta", "0.1"));
    resumesAsUninterrupted(() -> Robust.create("fedadagrad", 1, "eta", "0.1"));
    resumesAsUninterrupted(() -> Robust.create("fedmedian", 1, "momentum", "0.9"));
    resumesAsUninterrupted(() -> Robust.create("scaffold", 1));
  }

  @Test
  void aStrategyWithoutStateHasNoneToGiveAndRefusesOne() throws Exception {
    Strategy fedavg = Robust.create("fedavg", 1);
    round(fedavg, 1, xy(0, 1));
    assertThat(fedavg.serverState()).isEmpty();
    assertThat(Robust.create("fedmedian", 1).serverState()).isEmpty();
    assertThatThrownBy(() -> fedavg.restoreServerState(xy(0, 0)))
        .hasMessage("strategy 'fedavg' carries no state from round to round");
  }

  @Test
  void noStateBeforeTheFirstRoundAndAStateOfAnotherSizeIsRefused() throws Exception {
    Strategy adam = Robust.create("fedadam", 1);
    assertThat(adam.serverState()).isEmpty();
    round(adam, 1, xy(0, 1));
    ParameterSet state = adam.serverState().orElseThrow();
    assertThat(state.names()).containsExactly("m", "v");
    assertThat(state.metadata()).containsEntry("rounds", "1");
    ParameterSet wrong = new ParameterSet(List.of(new Tensor("m", new int[] {2}, new float[2]),
        new Tensor("v", new int[] {3}, new float[3])), state.metadata());
    assertThatThrownBy(() -> Robust.create("fedadam", 1).restoreServerState(wrong))
        .hasMessageContaining("server optimiser state 'v' has 3 values, not 2");
  }
}
