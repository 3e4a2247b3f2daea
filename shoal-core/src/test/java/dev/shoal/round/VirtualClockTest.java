package dev.shoal.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.strategy.FedAvg;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Synchronous rounds on the virtual clock: a round lasts as long as its slowest client, or its timeout. */
class VirtualClockTest {

  private final RoundEngineTest.LabelTrainer trainer = new RoundEngineTest.LabelTrainer();
  private final List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());

  /** Three clients of 100 examples; at speed 1 and 0.01 s per example a fit takes 1 s. */
  private List<RoundMetrics> run(Map<String, Double> speeds, ClientBandwidth bandwidth, Duration timeout, int rounds) {
    var clients = new InProcessClients(trainer, RoundEngineTest.clients(1, 100, 2, 100, 3, 100), 1);
    var times = new FitTimes(speeds, bandwidth.draw(List.of("c0", "c1", "c2"), 7), 0.01);
    var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 7), 1.0, 1, 0.0), clients,
        new RunConfig(rounds, 1, Duration.ofMinutes(10), 7), Optional.empty(), events::add).withFitTimes(times, timeout);
    engine.run(trainer.initialParameters(7));
    return events.stream().filter(e -> e instanceof RunEvent.RoundFinished)
        .map(e -> ((RunEvent.RoundFinished) e).metrics()).toList();
  }

  @Test
  void aSlowClientDelaysASyncRoundByExactlyItsFactor() {
    double nominal = run(Map.of("c0", 1.0, "c1", 1.0, "c2", 1.0), ClientBandwidth.UNLIMITED, Duration.ofHours(1), 1)
        .get(0).extra().get("virtual_seconds");
    events.clear();
    double slowed = run(Map.of("c0", 1.0, "c1", 1.0, "c2", 0.1), ClientBandwidth.UNLIMITED, Duration.ofHours(1), 1)
        .get(0).extra().get("virtual_seconds");
    assertThat(nominal).isCloseTo(1.0, within(1e-12));
    assertThat(slowed).isCloseTo(10 * nominal, within(1e-12));
  }

  @Test
  void theClockAddsUpOverRoundsAndCountsTransfersAtEachClientsBandwidth() {
    // 3 float32 parameters down and up: 24 bytes at 24 bytes/s is one more second
    List<RoundMetrics> rounds = run(Map.of("c0", 1.0, "c1", 1.0, "c2", 0.5), new ClientBandwidth(24, ClientSpeed.UNIFORM),
        Duration.ofHours(1), 2);
    assertThat(rounds).extracting(m -> m.extra().get("virtual_seconds")).containsExactly(3.0, 3.0);
    assertThat(rounds).extracting(m -> m.extra().get("virtual_time")).containsExactly(3.0, 6.0);
  }

  @Test
  void aClientThatWouldAnswerAfterTheTimeoutIsLeftOutAndTheRoundLastsUntilTheTimeout() {
    RoundMetrics m = run(Map.of("c0", 1.0, "c1", 1.0, "c2", 0.1), ClientBandwidth.UNLIMITED, Duration.ofSeconds(5), 1)
        .get(0);
    assertThat(m.clients()).isEqualTo(2);
    assertThat(m.failures()).isEqualTo(1);
    assertThat(m.extra().get("virtual_seconds")).isEqualTo(5.0);
    assertThat(events).filteredOn(e -> e instanceof RunEvent.ClientFailed).singleElement()
        .satisfies(e -> assertThat(((RunEvent.ClientFailed) e).reason())
            .isEqualTo("missed the round's timeout on the virtual clock: 10.0s > 5.0s"));
    // FedAvg of the two fast clients' labels 1 and 2
    ParameterSet model = ((RunEvent.RoundFinished) events.stream().filter(e -> e instanceof RunEvent.RoundFinished)
        .findFirst().orElseThrow()).model();
    assertThat(model.read("w").data()[0]).isEqualTo(1.5f);
  }

  @Test
  void slowPicksExactlyTheFractionOfClientsFromTheSeed() {
    List<String> clients = IntStream.range(0, 20).mapToObj(i -> "client-%03d".formatted(i)).toList();
    ClientSpeed slow = ClientSpeed.parse("slow:0.3,10");
    Map<String, Double> speeds = slow.draw(clients, 42);
    assertThat(speeds.values()).filteredOn(s -> s == 0.1).hasSize(6);
    assertThat(speeds.values()).filteredOn(s -> s == 1.0).hasSize(14);
    assertThat(slow.draw(clients, 42)).isEqualTo(speeds);
    assertThat(slow.draw(clients, 43)).isNotEqualTo(speeds);
  }

  @Test
  void lognormalSpeedsAreSeededPerClientWithMedianOne() {
    List<String> clients = IntStream.range(0, 2001).mapToObj(i -> "c" + i).toList();
    Map<String, Double> speeds = ClientSpeed.parse("lognormal:1").draw(clients, 1);
    assertThat(ClientSpeed.parse("lognormal:1").draw(List.of("c5"), 1).get("c5")).isEqualTo(speeds.get("c5"));
    List<Double> sorted = speeds.values().stream().sorted().toList();
    assertThat(sorted.get(1000)).isBetween(0.85, 1.15);
    assertThat(ClientSpeed.parse("lognormal:0").draw(clients, 1).values()).containsOnly(1.0);
    assertThat(ClientSpeed.parse("uniform").draw(clients, 1).values()).containsOnly(1.0);
  }

  @Test
  void badDistributionsAreRefusedNamingWhatIsAllowed() {
    assertThatThrownBy(() -> ClientSpeed.parse("fast")).hasMessage(
        "unknown speed distribution 'fast': allowed are uniform, lognormal:SIGMA and slow:FRACTION,FACTOR");
    assertThatThrownBy(() -> ClientSpeed.parse("slow:0.3")).hasMessage(
        "expected slow:FRACTION,FACTOR (e.g. slow:0.3,10), got 'slow:0.3'");
    assertThatThrownBy(() -> ClientSpeed.parse("slow:1.5,10")).hasMessage(
        "slow: the fraction of slow clients must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> ClientSpeed.parse("lognormal:-1")).hasMessage(
        "lognormal sigma must be a number >= 0, got -1.0");
    assertThatThrownBy(() -> ClientBandwidth.parse("fast")).hasMessageStartingWith(
        "expected BYTES_PER_S or BYTES_PER_S:DISTRIBUTION");
    assertThat(ClientBandwidth.parse("1e6:slow:0.5,4").draw(List.of("a", "b"), 3).values())
        .containsExactlyInAnyOrder(1e6, 2.5e5);
  }
}
