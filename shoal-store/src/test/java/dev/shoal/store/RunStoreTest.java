package dev.shoal.store;

import static dev.shoal.store.Rounds.metrics;
import static dev.shoal.store.Rounds.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.shoal.tensor.ContentId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {

  @TempDir Path dir;
  MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05.678Z"));
  RunStore store;

  @BeforeEach
  void open() {
    store = RunStore.open(dir, clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  static RunSpec spec(String name) {
    return RunSpec.of(name, "rounds: 5\nstrategy: fedavg\n", 42, 5);
  }

  Run run() {
    return store.openRun(spec("mnist"));
  }

  // ---------------------------------------------------------------------------------- runs

  @Test
  void createsARunAndResumesItByName() {
    Run created = run();
    assertThat(created.name()).isEqualTo("mnist");
    assertThat(created.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(created.seed()).isEqualTo(42);
    assertThat(created.totalRounds()).isEqualTo(5);
    assertThat(created.configText()).isEqualTo("rounds: 5\nstrategy: fedavg\n");
    assertThat(created.created()).isEqualTo(clock.instant());
    Run resumed = store.openRun(spec("mnist"));
    assertThat(resumed).isEqualTo(created);
    assertThat(store.runs()).containsExactly(created);
    assertThat(store.run("mnist")).contains(created);
    assertThat(store.run(created.id())).contains(created);
    assertThat(store.run("other")).isEmpty();
    assertThat(store.run(999)).isEmpty();
  }

  @Test
  void theConfigHashIsTheContentIdOfTheConfigText() {
    assertThat(spec("a").configHash())
        .isEqualTo(ContentId.of("rounds: 5\nstrategy: fedavg\n".getBytes(StandardCharsets.UTF_8)).value());
  }

  @Test
  void resumingWithAnotherConfigIsRefusedNamingBothHashes() {
    Run run = run();
    RunSpec changed = RunSpec.of("mnist", "rounds: 5\nstrategy: fedprox\n", 42, 5);
    assertThatThrownBy(() -> store.openRun(changed))
        .isInstanceOf(ConfigMismatchException.class)
        .hasMessageContaining("run 'mnist'")
        .hasMessageContaining(run.configHash())
        .hasMessageContaining(changed.configHash());
    assertThat(store.runs()).containsExactly(run);
  }

  @Test
  void resumingWithAnotherSeedOrRoundCountIsRefused() {
    run();
    String config = spec("mnist").configText();
    assertThatThrownBy(() -> store.openRun(RunSpec.of("mnist", config, 7, 5)))
        .isInstanceOf(ConfigMismatchException.class)
        .hasMessageContaining("seed 42")
        .hasMessageContaining("seed 7");
    assertThatThrownBy(() -> store.openRun(RunSpec.of("mnist", config, 42, 9)))
        .isInstanceOf(ConfigMismatchException.class)
        .hasMessageContaining("5 rounds")
        .hasMessageContaining("with 9");
  }

  @Test
  void aRunSpecNeedsANameAHashAndAtLeastOneRound() {
    assertThatThrownBy(() -> RunSpec.of(" ", "x", 1, 1)).hasMessageContaining("run name must not be blank");
    assertThatThrownBy(() -> RunSpec.of("r", "x", 1, 0)).hasMessageContaining("must be >= 1, got 0");
    assertThatThrownBy(() -> new RunSpec("r", "", "x", 1, 1)).hasMessageContaining("config hash of run 'r'");
  }

  @Test
  void aFailedRunRunsAgainWhenOpenedAgain() {
    Run run = run();
    store.setRunStatus(run.id(), RunStatus.FAILED);
    assertThat(store.run(run.id()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
    assertThatThrownBy(() -> store.startRound(run.id(), 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("run 'mnist' cannot start round 1: it is failed; open it again to resume");
    assertThat(store.openRun(spec("mnist")).status()).isEqualTo(RunStatus.RUNNING);
    store.startRound(run.id(), 1);
  }

  @Test
  void anUnknownRunIdIsNamed() {
    assertThatThrownBy(() -> store.lastCompletedRound(77))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no run with id 77 in the state database");
    assertThatThrownBy(() -> store.startRound(77, 1)).hasMessageContaining("no run with id 77");
    assertThatThrownBy(() -> store.completeRound(77, metrics(1, model(1)), model(1))).hasMessageContaining("no run with id 77");
    assertThatThrownBy(() -> store.setRunStatus(77, RunStatus.FAILED)).hasMessageContaining("no run with id 77");
    assertThatThrownBy(() -> store.rounds(77)).hasMessageContaining("no run with id 77");
  }

  // -------------------------------------------------------------------------------- rounds

  @Test
  void completesRoundsInOrderAndRemembersTheLastModel() {
    Run run = run();
    assertThat(store.lastCompletedRound(run.id())).isEmpty();
    assertThat(store.nextRound(run.id())).isEqualTo(1);
    RoundRecord started = store.startRound(run.id(), 1);
    assertThat(started.status()).isEqualTo(RoundStatus.STARTED);
    assertThat(started.attempts()).isEqualTo(1);
    assertThat(started.modelId()).isEmpty();
    assertThat(started.finished()).isEmpty();
    clock.advance(Duration.ofSeconds(2));
    CompletedRound one = store.completeRound(run.id(), metrics(1, model(1)), model(1));
    assertThat(one).isEqualTo(new CompletedRound(1, model(1)));
    store.completeRound(run.id(), metrics(2, model(2)), model(2));
    assertThat(store.lastCompletedRound(run.id())).contains(new CompletedRound(2, model(2)));
    assertThat(store.nextRound(run.id())).isEqualTo(3);

    RoundRecord first = store.round(run.id(), 1).orElseThrow();
    assertThat(first.status()).isEqualTo(RoundStatus.COMPLETED);
    assertThat(first.modelId()).contains(model(1));
    assertThat(first.started()).isEqualTo(Instant.parse("2026-01-02T03:04:05.678Z"));
    assertThat(first.finished()).contains(Instant.parse("2026-01-02T03:04:07.678Z"));
    assertThat(first.metricsJson().orElseThrow())
        .startsWith("{\"round\":1,\"clients\":3,")
        .contains("\"model_id\":\"" + model(1).value() + "\"")
        .contains("\"federated_accuracy\":0.8");
    assertThat(store.rounds(run.id())).extracting(RoundRecord::round).containsExactly(1, 2);
    assertThat(store.round(run.id(), 3)).isEmpty();
  }

  @Test
  void aRoundIsNeverCompletedTwiceNorSkipped() {
    Run run = run();
    store.completeRound(run.id(), metrics(1, model(1)), model(1));
    assertThatThrownBy(() -> store.completeRound(run.id(), metrics(1, model(9)), model(9)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("run 'mnist' cannot complete round 1: it is already completed (the last completed round is 1)");
    assertThatThrownBy(() -> store.completeRound(run.id(), metrics(3, model(3)), model(3)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("run 'mnist' cannot complete round 3: the last completed round is 1, so the next round is 2");
    assertThatThrownBy(() -> store.startRound(run.id(), 1)).hasMessageContaining("already completed");
    assertThatThrownBy(() -> store.startRound(run.id(), 4)).hasMessageContaining("the next round is 2");
    assertThat(store.lastCompletedRound(run.id())).contains(new CompletedRound(1, model(1)));
  }

  @Test
  void theLastRoundCompletesTheRun() {
    Run run = store.openRun(RunSpec.of("short", "rounds: 2", 1, 2));
    store.completeRound(run.id(), metrics(1, model(1)), model(1));
    assertThat(store.run(run.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    store.completeRound(run.id(), metrics(2, model(2)), model(2));
    assertThat(store.run(run.id()).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
    assertThatThrownBy(() -> store.startRound(run.id(), 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("run 'short' cannot start round 3: it is completed (all 2 rounds are done)");
    assertThat(store.openRun(RunSpec.of("short", "rounds: 2", 1, 2)).status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aRoundPastTheLastIsRefused() {
    Run run = store.openRun(RunSpec.of("one", "rounds: 1", 1, 1));
    store.setRunStatus(run.id(), RunStatus.RUNNING);
    store.completeRound(run.id(), metrics(1, model(1)), model(1));
    store.setRunStatus(run.id(), RunStatus.RUNNING);
    assertThatThrownBy(() -> store.startRound(run.id(), 2)).hasMessage("run 'one' cannot start round 2: it has only 1 rounds");
  }

  @Test
  void restartingARoundCountsAnAttemptAndDiscardsTheEarlierOne() {
    Run run = run();
    store.heartbeat("n1");
    store.startRound(run.id(), 1);
    store.addInstruction(run.id(), 1, "n1", model(0), Map.of("epochs", "1"));
    store.recordResult(Result.of(run.id(), 1, "n1", model(11), 10, Map.of()));
    // the coordinator is killed here and started again
    RoundRecord again = store.startRound(run.id(), 1);
    assertThat(again.attempts()).isEqualTo(2);
    assertThat(again.status()).isEqualTo(RoundStatus.STARTED);
    assertThat(store.instructions(run.id(), 1)).isEmpty();
    assertThat(store.results(run.id(), 1)).isEmpty();
    assertThat(store.recordResult(Result.of(run.id(), 1, "n1", model(11), 10, Map.of()))).isTrue();
  }

  @Test
  void aFailedRoundKeepsItsReasonAndCanBeStartedAgain() {
    Run run = run();
    store.startRound(run.id(), 1);
    store.failRound(run.id(), 1, "only 1 of 2 nodes answered");
    RoundRecord failed = store.round(run.id(), 1).orElseThrow();
    assertThat(failed.status()).isEqualTo(RoundStatus.FAILED);
    assertThat(failed.error()).contains("only 1 of 2 nodes answered");
    assertThat(failed.finished()).isPresent();
    assertThat(store.lastCompletedRound(run.id())).isEmpty();
    RoundRecord retried = store.startRound(run.id(), 1);
    assertThat(retried.attempts()).isEqualTo(2);
    assertThat(retried.error()).isEmpty();
    assertThat(retried.finished()).isEmpty();
    store.completeRound(run.id(), metrics(1, model(1)), model(1));
    assertThat(store.round(run.id(), 1).orElseThrow().error()).isEmpty();
  }

  @Test
  void onlyAStartedRoundCanFail() {
    Run run = run();
    assertThatThrownBy(() -> store.failRound(run.id(), 1, "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("round 1 of run 'mnist' cannot fail: it was never started");
    store.completeRound(run.id(), metrics(1, model(1)), model(1));
    assertThatThrownBy(() -> store.failRound(run.id(), 1, "x"))
        .hasMessage("round 1 of run 'mnist' cannot fail: it is completed, not started");
  }

  // --------------------------------------------------------------------------------- nodes

  @Test
  void aHeartbeatRegistersANodeAndKeepsItOnline() {
    Node first = store.heartbeat("n1");
    assertThat(first).isEqualTo(new Node("n1", clock.instant(), clock.instant(), NodeStatus.ONLINE, 0));
    Instant registered = clock.instant();
    clock.advance(Duration.ofSeconds(30));
    Node again = store.heartbeat("n1");
    assertThat(again.firstSeen()).isEqualTo(registered);
    assertThat(again.lastSeen()).isEqualTo(clock.instant());
    assertThat(store.node("n1")).contains(again);
    assertThat(store.node("n2")).isEmpty();
    assertThatThrownBy(() -> store.heartbeat(" ")).hasMessage("node name must not be blank");
  }

  @Test
  void nodesGoOfflineWhenToldOrWhenSilent() {
    store.heartbeat("a");
    store.heartbeat("b");
    clock.advance(Duration.ofSeconds(20));
    store.heartbeat("c");
    clock.advance(Duration.ofSeconds(20));
    assertThat(store.markOffline(Duration.ofSeconds(30))).containsExactly("a", "b");
    assertThat(store.markOffline(Duration.ofSeconds(30))).isEmpty();
    assertThat(store.nodes()).extracting(Node::name, Node::status).containsExactly(
        tuple("a", NodeStatus.OFFLINE),
        tuple("b", NodeStatus.OFFLINE),
        tuple("c", NodeStatus.ONLINE));
    store.markOffline("c");
    assertThat(store.node("c").orElseThrow().status()).isEqualTo(NodeStatus.OFFLINE);
    assertThat(store.heartbeat("a").status()).isEqualTo(NodeStatus.ONLINE);
    assertThatThrownBy(() -> store.markOffline("zz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown node 'zz': a node is registered by its first heartbeat");
  }

  // -------------------------------------------------------------------------- instructions

  @Test
  void instructionsAreRecordedAndResolved() {
    Run run = run();
    store.heartbeat("n1");
    store.heartbeat("n2");
    store.heartbeat("n3");
    store.startRound(run.id(), 1);
    Instruction i = store.addInstruction(run.id(), 1, "n1", model(0), Map.of("epochs", "2", "seed", "17"));
    assertThat(i).isEqualTo(new Instruction(run.id(), 1, "n1", model(0), Map.of("epochs", "2", "seed", "17"),
        InstructionStatus.PENDING, Optional.empty()));
    store.addInstruction(run.id(), 1, "n2", model(0), Map.of());
    store.addInstruction(run.id(), 1, "n3", model(0), Map.of());
    store.resolveInstruction(run.id(), 1, "n1", InstructionStatus.DONE, null);
    store.resolveInstruction(run.id(), 1, "n2", InstructionStatus.REJECTED, "tensor 'w' holds NaN");
    store.resolveInstruction(run.id(), 1, "n3", InstructionStatus.FAILED, "timed out after 60s");
    assertThat(store.instructions(run.id(), 1))
        .extracting(Instruction::node, Instruction::status, Instruction::reason)
        .containsExactly(
            tuple("n1", InstructionStatus.DONE, Optional.empty()),
            tuple("n2", InstructionStatus.REJECTED, Optional.of("tensor 'w' holds NaN")),
            tuple("n3", InstructionStatus.FAILED, Optional.of("timed out after 60s")));
    Instruction reissued = store.addInstruction(run.id(), 1, "n3", model(0), Map.of("epochs", "1"));
    assertThat(reissued.status()).isEqualTo(InstructionStatus.PENDING);
    assertThat(reissued.reason()).isEmpty();
    assertThat(reissued.config()).containsExactly(Map.entry("epochs", "1"));
  }

  @Test
  void anInstructionNeedsAKnownNodeAndAStartedRound() {
    Run run = run();
    store.heartbeat("n1");
    assertThatThrownBy(() -> store.addInstruction(run.id(), 1, "n1", model(0), Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("round 1 of run 'mnist' cannot take an instruction for node 'n1': it is not started");
    store.startRound(run.id(), 1);
    assertThatThrownBy(() -> store.addInstruction(run.id(), 1, "ghost", model(0), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown node 'ghost'");
    assertThatThrownBy(() -> store.resolveInstruction(run.id(), 1, "n1", InstructionStatus.DONE, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("run 'mnist' has no instruction for node 'n1' in round 1");
    store.addInstruction(run.id(), 1, "n1", model(0), Map.of());
    assertThatThrownBy(() -> store.resolveInstruction(run.id(), 1, "n1", InstructionStatus.PENDING, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not pending");
  }

  // ------------------------------------------------------------------------------- results

  @Test
  void aRetriedUploadIsCountedOnce() {
    Run run = run();
    store.heartbeat("n1");
    store.startRound(run.id(), 1);
    store.addInstruction(run.id(), 1, "n1", model(0), Map.of());
    Result result = Result.of(run.id(), 1, "n1", model(100), 600, Map.of("train_loss", 0.3, "acc", Double.NaN));
    assertThat(store.recordResult(result)).isTrue();
    assertThat(store.recordResult(result)).isFalse();
    assertThat(store.recordResult(Result.of(run.id(), 1, "n1", model(101), 600, Map.of()))).isFalse();
    List<Result> results = store.results(run.id(), 1);
    assertThat(results).hasSize(1);
    Result stored = results.get(0);
    assertThat(stored.updateId()).isEqualTo(model(100));
    assertThat(stored.numExamples()).isEqualTo(600);
    assertThat(stored.metrics()).containsEntry("train_loss", 0.3);
    assertThat(stored.metrics().get("acc")).isNaN();
    assertThat(stored.received()).isEqualTo(clock.instant());
    assertThat(store.instructions(run.id(), 1).get(0).status()).isEqualTo(InstructionStatus.DONE);
  }

  @Test
  void aResultMarksItsNodeSeen() {
    Run run = run();
    store.heartbeat("n1");
    store.markOffline("n1");
    store.startRound(run.id(), 1);
    clock.advance(Duration.ofMinutes(1));
    store.recordResult(Result.of(run.id(), 1, "n1", model(100), 1, Map.of()));
    Node n1 = store.node("n1").orElseThrow();
    assertThat(n1.status()).isEqualTo(NodeStatus.ONLINE);
    assertThat(n1.lastSeen()).isEqualTo(clock.instant());
  }

  @Test
  void aResultNeedsAKnownNodeAndARoundStillOpen() {
    Run run = run();
    store.heartbeat("n1");
    store.heartbeat("late");
    assertThatThrownBy(() -> store.recordResult(Result.of(run.id(), 1, "n1", model(1), 1, Map.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("round 1 of run 'mnist' cannot take a result from node 'n1': it is not started");
    store.startRound(run.id(), 1);
    assertThatThrownBy(() -> store.recordResult(Result.of(run.id(), 1, "ghost", model(1), 1, Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown node 'ghost'");
    store.recordResult(Result.of(run.id(), 1, "n1", model(1), 1, Map.of()));
    store.completeRound(run.id(), metrics(1, model(1)), model(1));
    assertThatThrownBy(() -> store.recordResult(Result.of(run.id(), 1, "late", model(2), 1, Map.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("round 1 of run 'mnist' cannot take a result from node 'late': it is completed");
    assertThat(store.recordResult(Result.of(run.id(), 1, "n1", model(1), 1, Map.of()))).isFalse();
    assertThatThrownBy(() -> Result.of(run.id(), 1, "n1", model(1), 0, Map.of()))
        .hasMessage("result of node 'n1' for round 1 must have at least one example, got 0");
  }

  @Test
  void completingARoundCreditsEachContributorOnceAndClosesPendingInstructions() {
    Run run = run();
    for (String n : List.of("n1", "n2", "n3")) {
      store.heartbeat(n);
    }
    for (int round = 1; round <= 2; round++) {
      store.startRound(run.id(), round);
      for (String n : List.of("n1", "n2", "n3")) {
        store.addInstruction(run.id(), round, n, model(round - 1), Map.of());
      }
      store.recordResult(Result.of(run.id(), round, "n1", model(100 + round), 5, Map.of()));
      store.recordResult(Result.of(run.id(), round, "n1", model(100 + round), 5, Map.of()));
      if (round == 2) {
        store.recordResult(Result.of(run.id(), round, "n2", model(200 + round), 5, Map.of()));
      }
      store.completeRound(run.id(), metrics(round, model(round)), model(round));
    }
    assertThat(store.nodes()).extracting(Node::name, Node::roundsContributed).containsExactly(
        tuple("n1", 2),
        tuple("n2", 1),
        tuple("n3", 0));
    assertThat(store.instructions(run.id(), 2)).extracting(Instruction::node, Instruction::status, Instruction::reason)
        .containsExactly(
            tuple("n1", InstructionStatus.DONE, Optional.empty()),
            tuple("n2", InstructionStatus.DONE, Optional.empty()),
            tuple("n3", InstructionStatus.FAILED,
                Optional.of("no result before the round completed")));
  }

  // -------------------------------------------------------------------------------- status

  @Test
  void theStatusShowsEveryRunAndNode() {
    Run a = run();
    Run b = store.openRun(RunSpec.of("cifar", "x", 1, 10));
    store.heartbeat("n1");
    clock.advance(Duration.ofMinutes(5));
    store.heartbeat("n2");
    store.markOffline(Duration.ofMinutes(1));
    store.completeRound(a.id(), metrics(1, model(1)), model(1));
    store.startRound(a.id(), 2);

    StoreStatus status = store.status();
    assertThat(status.at()).isEqualTo(clock.instant());
    assertThat(status.runs()).containsExactly(
        new RunProgress(a, 1, Optional.of(model(1)), OptionalInt.of(2)),
        new RunProgress(b, 0, Optional.empty(), OptionalInt.empty()));
    assertThat(status.nodes()).extracting(Node::name, Node::status).containsExactly(
        tuple("n1", NodeStatus.OFFLINE),
        tuple("n2", NodeStatus.ONLINE));
  }

  @Test
  void everythingSurvivesReopening() {
    Run run = run();
    store.heartbeat("n1");
    store.startRound(run.id(), 1);
    store.addInstruction(run.id(), 1, "n1", model(0), Map.of("epochs", "1"));
    store.recordResult(Result.of(run.id(), 1, "n1", model(100), 5, Map.of("loss", 1.0)));
    store.completeRound(run.id(), metrics(1, model(1)), model(1));
    StoreStatus before = store.status();
    List<Result> results = store.results(run.id(), 1);
    store.close();

    store = RunStore.open(dir, clock);
    assertThat(store.status()).isEqualTo(before);
    assertThat(store.results(run.id(), 1)).isEqualTo(results);
    assertThat(store.openRun(spec("mnist")).id()).isEqualTo(run.id());
    assertThat(store.nextRound(run.id())).isEqualTo(2);
  }

  @Test
  void aClosedStoreSaysSo() {
    store.close();
    assertThatThrownBy(() -> store.runs())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the state database " + dir.resolve("state.db") + " is closed");
    store.close();
  }
}
