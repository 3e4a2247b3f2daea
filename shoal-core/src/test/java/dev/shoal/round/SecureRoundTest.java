package dev.shoal.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.data.FederatedData;
import dev.shoal.round.RoundEngineTest.LabelTrainer;
import dev.shoal.strategy.EvaluateReply;
import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.FitAggregation;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Strategy;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/** The round engine with secure aggregation: only sums, dropouts, aborts, refusals. */
class SecureRoundTest {

  final LabelTrainer trainer = new LabelTrainer();
  final List<RunEvent> events = new ArrayList<>();

  /** Six clients with labels 1..6 and 100·label examples each. */
  static Map<String, FederatedData> six() {
    Map<String, FederatedData> m = new LinkedHashMap<>();
    for (int label = 1; label <= 6; label++) {
      m.put("c" + label, RoundEngineTest.data(label, 100 * label));
    }
    return m;
  }

  /** In-process clients whose secure-aggregation answers fail where {@code drop} says. */
  static ClientPort dropping(ClientPort inner, BiPredicate<String, Integer> dropAt, String stage) {
    return new ClientPort() {
      @Override
      public List<String> available() {
        return inner.available();
      }

      @Override
      public FitReply fit(FitInstruction instruction) throws Exception {
        return inner.fit(instruction);
      }

      @Override
      public EvaluateReply evaluate(String clientId, int round, ParameterSet global) throws Exception {
        return inner.evaluate(clientId, round, global);
      }

      @Override
      public byte[] secagg(String clientId, int round, String s, byte[] request) throws Exception {
        if (s.equals(stage) && dropAt.test(clientId, round)) {
          throw new IllegalStateException("connection lost");
        }
        return inner.secagg(clientId, round, s, request);
      }

      @Override
      public Traffic traffic() {
        return inner.traffic();
      }
    };
  }

  ParameterSet run(ClientPort port, int rounds) {
    var strategy = new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 0.0);
    var engine = new RoundEngine(strategy, port, new RunConfig(rounds, 3, Duration.ofSeconds(30), 5),
        Optional.of(p -> new Evaluation(1, 0.0, 0.0)), events::add)
        .withSecureAggregation(new SecureRound(SecureRound.Settings.DEFAULT));
    return engine.run(trainer.initialParameters(0));
  }

  List<RoundMetrics> rounds() {
    return events.stream().filter(e -> e instanceof RunEvent.RoundFinished)
        .map(e -> ((RunEvent.RoundFinished) e).metrics()).toList();
  }

  List<RunEvent.ClientFailed> failures() {
    return events.stream().filter(e -> e instanceof RunEvent.ClientFailed).map(e -> (RunEvent.ClientFailed) e).toList();
  }

  @Test
  void theSecureSumGivesTheWeightedMeanAndNoClientSendsItsUpdate() {
    var port = new InProcessClients(trainer, six(), 3);
    ParameterSet result = run(port, 1);
    // Σ label·100·label / Σ 100·label = 91 / 21
    assertThat(result.read("w").data()[0]).isCloseTo(91f / 21, within(1e-5f));
    RoundMetrics m = rounds().get(0);
    assertThat(m.clients()).isEqualTo(6);
    assertThat(m.failures()).isZero();
    // a client's upload is the masked vector (4 parameters, 4 bytes each) and protocol messages,
    // never a safetensors file with a header
    assertThat(m.bytesUp()).isLessThan(6 * 2_000L);
  }

  @Test
  void clientsDroppingWithinTheThresholdAreLeftOutOfTheSum() {
    // six clients: the complete graph (degree 5), threshold 3, so two may drop
    var port = dropping(new InProcessClients(trainer, six(), 3),
        (client, round) -> Set.of("c5", "c6").contains(client), "masked_input");
    ParameterSet result = run(port, 1);
    // the survivors c1..c4: Σ 100·label² / Σ 100·label = 30 / 10
    assertThat(result.read("w").data()[0]).isCloseTo(3f, within(1e-5f));
    assertThat(rounds().get(0).clients()).isEqualTo(4);
    assertThat(failures()).extracting(RunEvent.ClientFailed::clientId).containsExactlyInAnyOrder("c5", "c6");
    assertThat(failures()).extracting(RunEvent.ClientFailed::reason)
        .allSatisfy(r -> assertThat(r).startsWith("dropped from secure aggregation at masked_input: "));
  }

  @Test
  void beyondTheThresholdTheRoundIsNotAggregatedAndTheRunGoesOn() {
    var port = dropping(new InProcessClients(trainer, six(), 3),
        (client, round) -> round == 1 && !Set.of("c1", "c2").contains(client), "unmask");
    ParameterSet result = run(port, 2);
    assertThat(rounds()).hasSize(2);
    assertThat(rounds().get(0).aggregated()).isFalse();
    assertThat(rounds().get(1).aggregated()).isTrue();
    assertThat(result.read("w").data()[0]).isCloseTo(91f / 21, within(1e-5f));
  }

  @Test
  void aClientThatSendsItsUpdateInTheClearIsRejected() {
    var inner = new InProcessClients(trainer, six(), 3);
    ClientPort leaky = new ClientPort() {
      @Override
      public List<String> available() {
        return inner.available();
      }

      @Override
      public FitReply fit(FitInstruction instruction) throws Exception {
        FitReply r = inner.fit(instruction);
        return instruction.clientId().equals("c6")
            ? new FitReply(r.clientId(), trainer.initialParameters(0), r.numExamples(), r.metrics()) : r;
      }

      @Override
      public EvaluateReply evaluate(String clientId, int round, ParameterSet global) {
        throw new UnsupportedOperationException();
      }

      @Override
      public byte[] secagg(String clientId, int round, String stage, byte[] request) throws Exception {
        return inner.secagg(clientId, round, stage, request);
      }

      @Override
      public Traffic traffic() {
        return inner.traffic();
      }
    };
    run(leaky, 1);
    assertThat(failures()).singleElement().satisfies(f -> {
      assertThat(f.clientId()).isEqualTo("c6");
      assertThat(f.reason()).contains("sent its update in the clear");
    });
    assertThat(rounds().get(0).clients()).isEqualTo(5);
  }

  @Test
  void aNonFiniteUpdateIsRefusedByItsOwnClient() {
    Map<String, FederatedData> clients = six();
    clients.put("c8", RoundEngineTest.data(8, 100)); // label 8 trains to NaN
    run(new InProcessClients(trainer, clients, 3), 1);
    assertThat(failures()).singleElement().satisfies(f -> {
      assertThat(f.clientId()).isEqualTo("c8");
      assertThat(f.reason()).contains("non-finite value (NaN)");
    });
  }

  @Test
  void aStrategyThatNeedsEachUpdateIsRefused() {
    Strategy median = new Strategy() {
      @Override
      public String name() {
        return "median";
      }

      @Override
      public List<FitInstruction> configureFit(int round, ParameterSet global, List<String> available,
          SplittableRandom rng) {
        return List.of();
      }

      @Override
      public FitAggregation beginFit(int round, ParameterSet global) {
        throw new UnsupportedOperationException();
      }

      @Override
      public List<String> configureEvaluate(int round, List<String> available, SplittableRandom rng) {
        return List.of();
      }
    };
    var engine = new RoundEngine(median, new InProcessClients(trainer, six(), 1),
        new RunConfig(1, 1, Duration.ofSeconds(1), 1), Optional.empty(), e -> { });
    assertThatThrownBy(() -> engine.withSecureAggregation(new SecureRound(SecureRound.Settings.DEFAULT)))
        .hasMessage("secure aggregation needs a strategy that folds sums of updates; 'median' needs each update");
  }
}
