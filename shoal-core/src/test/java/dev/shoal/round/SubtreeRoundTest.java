package dev.shoal.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.data.Dataset;
import dev.shoal.data.FederatedData;
import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.FitAggregation;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Relaying;
import dev.shoal.strategy.Seeds;
import dev.shoal.strategy.Strategies;
import dev.shoal.strategy.StrategyContext;
import dev.shoal.strategy.StrategyParameters;
import dev.shoal.strategy.Subtree;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** A relay's round among its own nodes: the same fold as the flat federation's, and its refusals. */
class SubtreeRoundTest {

  static final FitConfig FIT = new FitConfig(1, 10, 0.1, 42);
  /** Room enough for the robust rules' conditions on min-clients. */
  static final StrategyContext CONTEXT = new StrategyContext(FIT, 1.0, 10, 0);

  /** The label trainer, recording the seed each node trained with (by its first label). */
  static final class SeedRecorder implements Trainer {
    final RoundEngineTest.LabelTrainer labels = new RoundEngineTest.LabelTrainer();
    final Map<Integer, Long> seeds = new ConcurrentHashMap<>();

    @Override
    public ParameterSet initialParameters(long seed) {
      return labels.initialParameters(seed);
    }

    @Override
    public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
      seeds.put(data.label(0), config.seed());
      return labels.fit(parameters, data, config);
    }

    @Override
    public dev.shoal.train.Evaluation evaluate(ParameterSet parameters, Dataset data) {
      return labels.evaluate(parameters, data);
    }
  }

  /** A port over given clients, answering fits as {@code fit} says. */
  record Port(List<String> available, java.util.function.Function<FitInstruction, FitReply> fit) implements ClientPort {
    @Override
    public FitReply fit(FitInstruction instruction) {
      return fit.apply(instruction);
    }

    @Override
    public dev.shoal.strategy.EvaluateReply evaluate(String clientId, int round, ParameterSet g) {
      throw new UnsupportedOperationException("no evaluation here");
    }

    @Override
    public byte[] secagg(String clientId, int round, String stage, byte[] request) {
      throw new UnsupportedOperationException("no secure aggregation here");
    }

    @Override
    public Traffic traffic() {
      return new Traffic(0, 0);
    }
  }

  final SeedRecorder trainer = new SeedRecorder();
  final ParameterSet global = trainer.initialParameters(0);

  Map<String, FederatedData> nodes(Object... namesLabelsSizes) {
    Map<String, FederatedData> m = new LinkedHashMap<>();
    for (int i = 0; i < namesLabelsSizes.length; i += 3) {
      m.put((String) namesLabelsSizes[i], RoundEngineTest.data((int) namesLabelsSizes[i + 1],
          (int) namesLabelsSizes[i + 2]));
    }
    return m;
  }

  SubtreeRound relay(String name, Map<String, FederatedData> nodes) {
    return new SubtreeRound(name, new InProcessClients(trainer, nodes, 2), 1, Duration.ofSeconds(30));
  }

  /** What the root sends a client in round {@code round}: the strategy's instruction, stamped as the engine stamps it. */
  static FitConfig sent(String strategy, int round, String client) {
    var s = Strategies.installed().create(strategy, CONTEXT, StrategyParameters.NONE);
    FitInstruction i = s.configureFit(round, null, List.of(client), new java.util.SplittableRandom(1)).get(0);
    return Relaying.stamp(i.config(), round, s);
  }

  @Test
  void twoRelaysFoldToTheFlatFedAvgAndTheirNodesTrainWithTheirFlatSeeds() throws Exception {
    var a = nodes("n1", 1, 100, "n2", 4, 300);
    var b = nodes("n3", 2, 50, "n4", 6, 150);
    FitAggregation flat = new FedAvg(FIT, 1, 1, 0).beginFit(3, global);
    for (var part : List.of(a, b)) {
      for (var e : part.entrySet()) {
        FitOutcome o = trainer.fit(global, e.getValue().train(), FIT);
        flat.add(new FitReply(e.getKey(), o.parameters(), o.numExamples(), o.metrics()));
      }
    }
    FitAggregation tree = new FedAvg(FIT, 1, 1, 0).beginFit(3, global);
    for (var relay : List.of(Map.entry("relay-a", a), Map.entry("relay-b", b))) {
      FitOutcome o = relay(relay.getKey(), relay.getValue()).fit(global, null, sent("fedavg", 3, relay.getKey()));
      tree.add(new FitReply(relay.getKey(), o.parameters(), o.numExamples(), o.metrics()));
      if (relay.getKey().equals("relay-a")) {
        assertThat(o.numExamples()).isEqualTo(400);
        // (1·100 + 4·300) / 400
        assertThat(o.parameters().tensor("w").orElseThrow().data()).containsExactly(3.25f, 3.25f, 3.25f);
        assertThat(o.metrics()).containsEntry("train_loss", 3.25);
      }
    }
    assertThat(tree.result().tensor("w").orElseThrow().data())
        .containsExactly(flat.result().tensor("w").orElseThrow().data());
    assertThat(trainer.seeds).containsEntry(1, Seeds.derive(42, 3, "n1")).containsEntry(4, Seeds.derive(42, 3, "n2"))
        .containsEntry(2, Seeds.derive(42, 3, "n3")).containsEntry(6, Seeds.derive(42, 3, "n4"));
  }

  @Test
  void theUpdateNamesEveryNodeItFoldedWithItsCountAndUpdateAndARelayBelowPassesItsOwnUp() {
    SubtreeRound lower = relay("lower", nodes("n1", 1, 100, "n2", 4, 300));
    FitOutcome below = lower.fit(global, null, sent("fedavg", 1, "lower"));
    ParameterSet n3 = trainer.fit(global, RoundEngineTest.data(2, 50).train(), FIT).parameters();
    Subtree own = Subtree.of(below.parameters()).orElseThrow();
    assertThat(own.members()).extracting(Subtree.Member::node, Subtree.Member::examples, Subtree.Member::via)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("n1", 100L, "lower"),
            org.assertj.core.groups.Tuple.tuple("n2", 300L, "lower"));
    assertThat(own.members().get(0).update()).startsWith("sha256:");

    // a relay over the relay "lower" and the node n3
    ClientPort upper = new Port(List.of("lower", "n3"), i -> i.clientId().equals("lower")
        ? new FitReply("lower", lower.fit(i.global(), null, i.config()).parameters(), 400, Map.of())
        : new FitReply("n3", n3, 50, Map.of()));
    FitOutcome top = new SubtreeRound("upper", upper, 2, Duration.ofSeconds(30)).fit(global, null,
        sent("fedavg", 1, "upper"));
    assertThat(top.numExamples()).isEqualTo(450);
    assertThat(Subtree.of(top.parameters()).orElseThrow().members())
        .extracting(Subtree.Member::node, Subtree.Member::via)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("n1", "lower"),
            org.assertj.core.groups.Tuple.tuple("n2", "lower"), org.assertj.core.groups.Tuple.tuple("n3", "upper"));
    assertThat(Subtree.of(top.parameters()).orElseThrow().members().get(2).update())
        .isEqualTo(ContentId.of(n3).value());
  }

  @Test
  void strategiesThatNeedEachUpdateAreRefusedNamingTheStrategy() {
    SubtreeRound r = relay("r", nodes("n1", 1, 100));
    for (String strategy : List.of("fedmedian", "krum", "qfedavg", "fedtrimmedavg")) {
      assertThatThrownBy(() -> r.fit(global, null, sent(strategy, 1, "r")))
          .hasMessageContaining("strategy '" + strategy + "'").hasMessageContaining("cannot go through a relay");
    }
    for (String strategy : List.of("fedavg", "fedavgm", "fedadam")) {
      assertThat(r.fit(global, null, sent(strategy, 1, "r")).numExamples()).as(strategy).isEqualTo(100);
    }
    // the relay forwards FedProx's required setting, and a node that cannot apply it refuses, as it would flat
    assertThatThrownBy(() -> r.fit(global, null, sent("fedprox", 1, "r")))
        .hasMessageContaining("requires setting(s) proximal-mu");
    assertThatThrownBy(() -> r.fit(global, null, FIT))
        .hasMessageContaining("the parent did not say which strategy the round runs");
  }

  @Test
  void aRelayWithoutNodesOrWhoseNodesAllFailFailsWithTheReason() {
    var empty = new SubtreeRound("r", new Port(List.of(), i -> null), 1, Duration.ofMillis(200));
    assertThatThrownBy(() -> empty.fit(global, null, sent("fedavg", 2, "r")))
        .hasMessage("relay r has no node registered for round 2");
    var failing = relay("r", nodes("n1", 9, 100, "n2", 9, 10));
    assertThatThrownBy(() -> failing.fit(global, null, sent("fedavg", 2, "r")))
        .hasMessageContaining("every node of relay r failed round 2").hasMessageContaining("disk full");
    var few = new SubtreeRound("r", new InProcessClients(trainer, nodes("n1", 1, 100), 1), 3, Duration.ofMillis(200));
    assertThatThrownBy(() -> few.fit(global, null, sent("fedavg", 2, "r")))
        .hasMessage("relay r has 1 node(s) registered for round 2, fewer than its --min-nodes 3");
  }
}
