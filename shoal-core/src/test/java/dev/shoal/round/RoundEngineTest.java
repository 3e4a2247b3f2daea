package dev.shoal.round;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.data.FederatedData;
import dev.shoal.data.Dataset;
import dev.shoal.data.Schema;
import dev.shoal.data.Task;
import dev.shoal.strategy.FedAvg;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

public class RoundEngineTest {

  /**
   * A trainer with a known answer: it moves every parameter to the client's first label, so the
   * FedAvg result is the example-weighted mean of the clients' labels. A label of 9 makes it
   * fail, 8 makes it return NaN, 7 makes it hang.
   */
  public static final class LabelTrainer implements Trainer {
    @Override
    public ParameterSet initialParameters(long seed) {
      return new ParameterSet(List.of(new Tensor("w", new int[] {3}, new float[3])));
    }

    @Override
    public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
      int label = data.label(0);
      if (label == 9) {
        throw new IllegalStateException("disk full");
      }
      if (label == 7) {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          throw new IllegalStateException("interrupted");
        }
      }
      float v = label == 8 ? Float.NaN : label;
      return new FitOutcome(
          new ParameterSet(List.of(new Tensor("w", new int[] {3}, new float[] {v, v, v}))),
          data.size(), Map.of("train_loss", (double) label));
    }

    @Override
    public Evaluation evaluate(ParameterSet parameters, Dataset data) {
      return new Evaluation(data.size(), parameters.tensor("w").orElseThrow().data()[0], 0.5);
    }
  }

  public static FederatedData data(int label, int n) {
    float[] labels = new float[n];
    java.util.Arrays.fill(labels, label);
    // a label above 9 is a value the test trainer steps by, so the schema has room for it
    Dataset d = new Dataset(Schema.indexed(Task.CLASSIFICATION, new int[] {1}, Math.max(10, label + 1)), new float[n], labels);
    return new FederatedData(d, d);
  }

  static Map<String, FederatedData> clients(int... labelsAndSizes) {
    Map<String, FederatedData> m = new LinkedHashMap<>();
    for (int i = 0; i < labelsAndSizes.length; i += 2) {
      m.put("c" + i / 2, data(labelsAndSizes[i], labelsAndSizes[i + 1]));
    }
    return m;
  }

  final LabelTrainer trainer = new LabelTrainer();
  final List<RunEvent> events = new ArrayList<>();

  ParameterSet run(Map<String, FederatedData> clients, int minClients, Duration timeout) {
    var strategy = new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 1.0);
    var port = new InProcessClients(trainer, clients, 4);
    var engine = new RoundEngine(strategy, port, new RunConfig(2, minClients, timeout, 5),
        Optional.of(p -> new Evaluation(1, 0.0, p.tensor("w").orElseThrow().data()[0])), events::add);
    return engine.run(trainer.initialParameters(0));
  }

  List<RoundMetrics> rounds() {
    return events.stream().filter(e -> e instanceof RunEvent.RoundFinished)
        .map(e -> ((RunEvent.RoundFinished) e).metrics()).toList();
  }

  @Test
  void aggregatesTheExampleWeightedMean() {
    ParameterSet result = run(clients(1, 100, 4, 300), 1, Duration.ofSeconds(30));
    // (1·100 + 4·300) / 400 = 3.25
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(3.25f, 3.25f, 3.25f);
    RoundMetrics m = rounds().get(0);
    assertThat(m.clients()).isEqualTo(2);
    assertThat(m.failures()).isZero();
    assertThat(m.trainLoss()).isEqualTo(3.25);
    assertThat(m.testAccuracy()).isEqualTo(3.25);
    assertThat(m.bytesDown()).isGreaterThan(0);
    assertThat(m.bytesUp()).isGreaterThan(0);
    assertThat(m.extra()).containsKeys("federated_test_loss", "federated_test_accuracy");
    assertThat(events.get(0)).isInstanceOf(RunEvent.RunStarted.class);
    assertThat(events.get(events.size() - 1)).isInstanceOf(RunEvent.RunFinished.class);
  }

  @Test
  void failingRejectedAndSlowClientsAreRecordedAndTheRoundGoesOn() {
    ParameterSet result = run(clients(1, 100, 9, 100, 8, 100, 7, 100, 3, 100), 2, Duration.ofMillis(1500));
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(2f, 2f, 2f);
    RoundMetrics m = rounds().get(0);
    assertThat(m.clients()).isEqualTo(2);
    assertThat(m.failures()).isEqualTo(3);
    assertThat(m.aggregated()).isTrue();
    var reasons = events.stream().filter(e -> e instanceof RunEvent.ClientFailed)
        .map(e -> (RunEvent.ClientFailed) e).filter(f -> f.round() == 1).toList();
    assertThat(reasons).extracting(RunEvent.ClientFailed::clientId).containsExactlyInAnyOrder("c1", "c2", "c3");
    assertThat(reasons).extracting(RunEvent.ClientFailed::reason).contains(
        "disk full", "tensor 'w' holds a non-finite value (NaN) at index 0", "timed out after 1s");
  }

  @Test
  void tooFewUpdatesLeaveTheModelAsItWas() {
    ParameterSet result = run(clients(1, 100, 9, 100), 2, Duration.ofSeconds(30));
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(0f, 0f, 0f);
    assertThat(rounds()).allSatisfy(m -> assertThat(m.aggregated()).isFalse());
    assertThat(rounds()).hasSize(2);
  }

  @Test
  void sameSeedSameRun() {
    var a = run(clients(1, 10, 2, 20, 3, 30), 1, Duration.ofSeconds(30));
    var firstIds = rounds().stream().map(RoundMetrics::modelId).toList();
    events.clear();
    var b = run(clients(1, 10, 2, 20, 3, 30), 1, Duration.ofSeconds(30));
    assertThat(b).isEqualTo(a);
    assertThat(rounds().stream().map(RoundMetrics::modelId).toList()).isEqualTo(firstIds);
  }

  @Test
  void aFailingReporterDoesNotStopTheRun() {
    List<RunEvent> seen = new ArrayList<>();
    RunListener broken = e -> {
      throw new IllegalStateException("disk full");
    };
    var strategy = new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 0.0);
    var engine = new RoundEngine(strategy, new InProcessClients(trainer, clients(1, 10, 3, 10), 1),
        new RunConfig(2, 1, Duration.ofSeconds(30), 5), Optional.empty(), RunListener.all(List.of(broken, seen::add)));
    ParameterSet result = engine.run(trainer.initialParameters(0));
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(2f, 2f, 2f);
    assertThat(seen).filteredOn(e -> e instanceof RunEvent.RoundFinished).hasSize(2);
  }

  /** FedAvg whose aggregation reports the round as a metric and which stops before round 3. */
  static final class ReportingFedAvg implements dev.shoal.strategy.Strategy {
    final FedAvg inner = new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 0.0);

    @Override
    public String name() {
      return "reporting";
    }

    @Override
    public List<dev.shoal.strategy.FitInstruction> configureFit(
        int round, ParameterSet global, List<String> available, java.util.SplittableRandom rng) {
      return inner.configureFit(round, global, available, rng);
    }

    @Override
    public dev.shoal.strategy.FitAggregation beginFit(int round, ParameterSet global) {
      var a = inner.beginFit(round, global);
      return new dev.shoal.strategy.FitAggregation() {
        @Override
        public void add(dev.shoal.strategy.FitReply reply) throws dev.shoal.strategy.UpdateRejectedException {
          a.add(reply);
        }

        @Override
        public int count() {
          return a.count();
        }

        @Override
        public ParameterSet result() {
          return a.result();
        }

        @Override
        public Map<String, Double> metrics() {
          return Map.of("strategy_round", (double) round);
        }
      };
    }

    @Override
    public List<String> configureEvaluate(int round, List<String> available, java.util.SplittableRandom rng) {
      return List.of();
    }

    @Override
    public Optional<String> stopBefore(int round) {
      return round >= 3 ? Optional.of("budget spent") : Optional.empty();
    }
  }

  @Test
  void aggregationMetricsReachTheRoundMetricsAndStopBeforeEndsTheRunEarly() {
    var engine = new RoundEngine(new ReportingFedAvg(), new InProcessClients(trainer, clients(1, 10, 3, 10), 1),
        new RunConfig(5, 1, Duration.ofSeconds(30), 5), Optional.empty(), events::add);
    ParameterSet result = engine.run(trainer.initialParameters(0));
    assertThat(rounds()).extracting(m -> m.extra().get("strategy_round")).containsExactly(1.0, 2.0);
    var finished = (RunEvent.RunFinished) events.get(events.size() - 1);
    assertThat(finished.history()).hasSize(2);
    assertThat(finished.model()).isEqualTo(result);
    assertThat(result.tensor("w").orElseThrow().data()).containsExactly(2f, 2f, 2f);
    assertThat(events).noneMatch(e -> e instanceof RunEvent.RoundStarted s && s.round() == 3);
  }

  @Test
  void aStopBeforeTheFirstRoundReturnsTheInitialModel() {
    var engine = new RoundEngine(new ReportingFedAvg(), new InProcessClients(trainer, clients(1, 10), 1),
        new RunConfig(5, 1, Duration.ofSeconds(30), 5), Optional.empty(), events::add);
    ParameterSet initial = trainer.initialParameters(0);
    assertThat(engine.run(initial, 3)).isEqualTo(initial);
    assertThat(((RunEvent.RunFinished) events.get(events.size() - 1)).history()).isEmpty();
  }
}
