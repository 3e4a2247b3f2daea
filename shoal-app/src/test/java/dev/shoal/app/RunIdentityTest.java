package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RunIdentityTest {

  static final TrainingSpec TRAINING = new TrainingSpec("mlp", 2, 10, 0.1, 42);

  static FederationSpec federation(StrategyChoice strategy, Duration timeout) {
    return new FederationSpec(15, 1.0, 2, 0.0, timeout, strategy, Privacy.NONE, Provenance.DEFAULT,
        Optional.empty(), OptionalInt.empty());
  }

  /** Pinned: a refactor that changes a run's identity makes every stored run unresumable. */
  @Test
  void theIdentityOfAFixedJobIsPinned() {
    RunIdentity id = RunIdentity.of(TRAINING, federation(StrategyChoice.DEFAULT, Duration.ofMinutes(10)), Optional.empty());
    assertThat(id.json()).isEqualTo("{\"federation\":{\"fraction\":1,\"fraction_evaluate\":0,\"ledger\":{\"contribution\":"
        + "\"loo\",\"enabled\":true,\"reward_budget\":100},\"min_clients\":2,\"rounds\":15,\"strategy\":{\"name\":"
        + "\"fedavg\"}},\"schema\":1,\"training\":{\"batch_size\":10,\"local_epochs\":2,\"lr\":0.1,\"model\":\"mlp\","
        + "\"seed\":42}}");
    assertThat(id.configHash()).isEqualTo("sha256:ff4eb5a80df211ebf731377c60a1c24c3956fd4d40ff0d0e41a84e26bc8832b8");
  }

  @Test
  void theDemosIdentityIsPinnedToo() {
    assertThat(Specs.demo().identity().configHash())
        .isEqualTo("sha256:6bc2d214b05abf288d9f299b866f848671040eeafb662b8ba0f361089c2a119c");
  }

  @Test
  void settingsThatDoNotChangeWhatIsLearntAreNotPartOfIt() {
    assertThat(RunIdentity.of(TRAINING, federation(StrategyChoice.DEFAULT, Duration.ofSeconds(5)), Optional.empty()))
        .isEqualTo(RunIdentity.of(TRAINING, federation(StrategyChoice.DEFAULT, Duration.ofMinutes(10)), Optional.empty()));
  }

  @Test
  void anExampleCapIsPartOfItOnlyWhenGiven() {
    var f = federation(StrategyChoice.DEFAULT, Duration.ofMinutes(10));
    var capped = new FederationSpec(f.rounds(), f.fraction(), f.minClients(), f.fractionEvaluate(), f.roundTimeout(),
        f.strategy(), f.privacy(), f.provenance(), f.anchoring(), f.nodes(), java.util.OptionalLong.of(1000));
    assertThat(f.maxExamplesPerNode()).isEmpty();
    assertThat(RunIdentity.of(TRAINING, capped, Optional.empty()).json()).contains("\"max_examples_per_node\":1000");
    assertThat(RunIdentity.of(TRAINING, capped, Optional.empty()).configHash())
        .isNotEqualTo(RunIdentity.of(TRAINING, f, Optional.empty()).configHash());
  }

  @Test
  void aSimulatedAttackIsPartOfItOnlyWhenGiven() {
    var f = new FederationSpec(15, 1.0, 2, 0.0, Duration.ofMinutes(10), StrategyChoice.DEFAULT, Privacy.NONE,
        Provenance.DEFAULT, Optional.empty(), OptionalInt.of(10));
    var plain = new SimulationSpec(10, "iid", 0.5, 1, Optional.empty());
    var attacked = new SimulationSpec(10, "iid", 0.5, 1, Optional.empty(), Optional.of(
        new AttackSpec(dev.shoal.attack.Attack.SIGN_FLIP, 3, java.util.OptionalDouble.empty())));
    assertThat(RunIdentity.of(TRAINING, f, Optional.of(plain)).json()).doesNotContain("attack");
    assertThat(RunIdentity.of(TRAINING, f, Optional.of(attacked)).json())
        .contains("\"attack\":{\"attackers\":3,\"name\":\"sign-flip\"}");
  }

  @Test
  void theVirtualClockAndAsynchronousModeArePartOfItOnlyWhenGiven() {
    var f = new FederationSpec(15, 1.0, 2, 0.0, Duration.ofMinutes(10), StrategyChoice.DEFAULT, Privacy.NONE,
        Provenance.DEFAULT, Optional.empty(), OptionalInt.of(10));
    var plain = new SimulationSpec(10, "iid", 0.5, 1, Optional.empty());
    var clock = new ClockSpec(dev.shoal.round.ClientSpeed.parse("slow:0.3,10"), dev.shoal.round.ClientBandwidth.UNLIMITED,
        0.001);
    var timed = new SimulationSpec(10, "iid", 0.5, 1, Optional.empty(), Optional.empty(), Optional.of(clock),
        Optional.empty());
    var async = new SimulationSpec(10, "iid", 0.5, 1, Optional.empty(), Optional.empty(), Optional.of(clock),
        Optional.of(new dev.shoal.async.FedBuff(10, 5, 0.5, 1.0)));
    assertThat(RunIdentity.of(TRAINING, f, Optional.of(plain)).json()).doesNotContain("clock").doesNotContain("async");
    assertThat(RunIdentity.of(TRAINING, f, Optional.of(timed)).json())
        .contains("\"clock\":{\"bandwidth\":\"unlimited\",\"seconds_per_example\":0.001,\"speed\":\"slow:0.3,10.0\"}")
        .doesNotContain("async");
    assertThat(RunIdentity.of(TRAINING, f, Optional.of(async)).json())
        .contains("\"async\":{\"buffer\":5,\"concurrency\":10,\"server_lr\":1,\"staleness_exponent\":0.5}");
  }

  @Test
  void strategyParametersArePartOfItInAnyOrder() {
    var a = RunIdentity.of(TRAINING, federation(new StrategyChoice("fedavg", Map.of("x", "1", "y", "2")),
        Duration.ofMinutes(1)), Optional.empty());
    var b = RunIdentity.of(TRAINING, federation(new StrategyChoice("fedavg", Map.of("y", "2", "x", "1")),
        Duration.ofMinutes(1)), Optional.empty());
    var none = RunIdentity.of(TRAINING, federation(StrategyChoice.DEFAULT, Duration.ofMinutes(1)), Optional.empty());
    assertThat(a).isEqualTo(b);
    assertThat(a.configHash()).isNotEqualTo(none.configHash());
    assertThat(a.json()).contains("\"parameters\":{\"x\":\"1\",\"y\":\"2\"}");
  }

  /** The text earlier versions stored; a run stored with it resumes (see StateUpgradeIT). */
  @Test
  void theLegacyTextIsWhatEarlierVersionsStored() {
    assertThat(RunIdentity.legacyText(new TrainingSpec("logreg", 1, 10, 0.1, 5), new FederationSpec(3, 1.0, 2, 0.0,
        Duration.ofMinutes(10), StrategyChoice.DEFAULT, Privacy.NONE, Provenance.DEFAULT, Optional.empty(),
        OptionalInt.empty())))
        .isEqualTo("model=logreg\nrounds=3\nfraction=1.0\nmin-clients=2\nlocal-epochs=1\nbatch-size=10\nlr=0.1\nseed=5\n"
            + "fraction-evaluate=0.0\n");
  }

  @Test
  void aSimulationsMinClientsCannotExceedItsClients() {
    assertThatThrownBy(() -> new FederationSpec(3, 1.0, 5, 0.0, Duration.ofMinutes(1), StrategyChoice.DEFAULT,
        Privacy.NONE, Provenance.DEFAULT, Optional.empty(), OptionalInt.of(3)))
        .isInstanceOf(UserError.class).hasMessage("--min-clients must be at most the federation's 3 node(s), got 5");
  }
}
