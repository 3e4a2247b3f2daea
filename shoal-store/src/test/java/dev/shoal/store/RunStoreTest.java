package dev.shoal.store;

import static dev.shoal.store.Rounds.metrics;
import static dev.shoal.store.Rounds.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.shoal.store.Bookkeeping.Instructed;
import dev.shoal.store.Bookkeeping.NodeSeen;
import dev.shoal.store.Bookkeeping.Received;
import dev.shoal.store.Bookkeeping.Resolved;
import dev.shoal.tensor.ContentId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    assertThat(store.run("other")).isEmpty();
  }

  @Test
  void theStrategyStateCommittedWithARoundIsReadBackAndItsBlobKept() {
    Run run = run();
    store.completeRound(run.id(), metrics(1, model(1)), model(1), Optional.empty(), Optional.of(model(11)));
    store.completeRound(run.id(), metrics(2, model(2)), model(2));
    assertThat(store.serverState(run.id(), 1)).contains(model(11));
    assertThat(store.serverState(run.id(), 2)).isEmpty();
    assertThat(store.serverState(run.id(), 3)).isEmpty();
    assertThat(store.referencedBlobs()).contains(model(1), model(2), model(11));
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
  void aRunAnEarlierShoalMarkedFailedRunsAgainWhenOpenedAgain() {
    Run run = run();
    StoredRows.execute(dir, "UPDATE runs SET status = 'failed' WHERE id = ?", run.id());
    assertThat(store.run("mnist").orElseThrow().status()).isEqualTo(RunStatus.FAILED);
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
    assertThatThrownBy(() -> store.rounds(77)).hasMessageContaining("no run with id 77");
  }

  // -------------------------------------------------------------------------------- rounds

  @Test
  void completesRoundsInOrderAndRemembersTheLastModel() {
    Run run = run();
    assertThat(store.lastCompletedRound(run.id())).isEmpty();
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
    assertThat(store.run("short").orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    store.completeRound(run.id(), metrics(2, model(2)), model(2));
    assertThat(store.run("short").orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
    assertThatThrownBy(() -> store.startRound(run.id(), 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("run 'short' cannot start round 3: it is completed (all 2 rounds are done)");
    assertThat(store.openRun(RunSpec.of("short", "rounds: 2", 1, 2)).status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aRoundPastTheLastIsRefusedEvenIfTheRunWasSetRunningByHand() {
    Run run = store.openRun(RunSpec.of("one", "rounds: 1", 1, 1));
    store.completeRound(run.id(), metrics(1, model(1)), model(1));
    StoredRows.execute(dir, "UPDATE runs SET status = 'running' WHERE id = ?", run.id());
    assertThatThrownBy(() -> store.startRound(run.id(), 2)).hasMessage("run 'one' cannot start round 2: it has only 1 rounds");
  }

  @Test
  void restartingARoundCountsAnAttemptAndDiscardsTheEarlierOne() {
    Run run = run();
    store.record(List.of(new NodeSeen("n1", clock.instant(), NodeStatus.ONLINE)));
    store.startRound(run.id(), 1);
    Result result = Result.of(run.id(), 1, "n1", model(11), 10, Map.of());
    store.record(List.of(
        new Instructed(run.id(), 1, "n1", InstructionKind.FIT, model(0), Map.of("epochs", "1"), clock.instant()),
        new Received(result, clock.instant())));
    // the coordinator is killed here and started again
    RoundRecord again = store.startRound(run.id(), 1);
    assertThat(again.attempts()).isEqualTo(2);
    assertThat(again.status()).isEqualTo(RoundStatus.STARTED);
    assertThat(store.instructions(run.id(), 1)).isEmpty();
    assertThat(StoredRows.results(dir, run.id(), 1)).isEmpty();
    store.record(List.of(new Received(result, clock.instant())));
    assertThat(StoredRows.results(dir, run.id(), 1)).extracting(Result::updateId).containsExactly(model(11));
  }

  @Test
  void aRoundAnEarlierShoalMarkedFailedKeepsItsReasonAndCanBeStartedAgain() {
    Run run = run();
    store.startRound(run.id(), 1);
    StoredRows.execute(dir, "UPDATE rounds SET status = 'failed', error = ?, finished = ? WHERE run_id = ? AND round = 1",
        "only 1 of 2 nodes answered", "2026-01-02T03:04:06.000Z", run.id());
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
  void aNodeIsRegisteredWhenFirstSeenAndKeepsItsFirstSeenTime() {
    store.record(List.of(new NodeSeen("n1", clock.instant(), NodeStatus.ONLINE)));
    assertThat(store.node("n1")).contains(new Node("n1", clock.instant(), clock.instant(), NodeStatus.ONLINE, 0));
    Instant registered = clock.instant();
    clock.advance(Duration.ofSeconds(30));
    store.record(List.of(new NodeSeen("n1", clock.instant(), NodeStatus.ONLINE)));
    Node again = store.node("n1").orElseThrow();
    assertThat(again.firstSeen()).isEqualTo(registered);
    assertThat(again.lastSeen()).isEqualTo(clock.instant());
    assertThat(store.node("n2")).isEmpty();
    assertThatThrownBy(() -> new NodeSeen(" ", clock.instant(), NodeStatus.ONLINE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node name must not be blank");
  }

  @Test
  void nodesGoOfflineWhenSeenOfflineOrWhenSilent() {
    store.record(List.of(new NodeSeen("a", clock.instant(), NodeStatus.ONLINE),
        new NodeSeen("b", clock.instant(), NodeStatus.ONLINE)));
    clock.advance(Duration.ofSeconds(20));
    store.record(List.of(new NodeSeen("c", clock.instant(), NodeStatus.ONLINE)));
    clock.advance(Duration.ofSeconds(20));
    assertThat(store.markOffline(Duration.ofSeconds(30))).containsExactly("a", "b");
    assertThat(store.markOffline(Duration.ofSeconds(30))).isEmpty();
    assertThat(store.nodes()).extracting(Node::name, Node::status).containsExactly(
        tuple("a", NodeStatus.OFFLINE),
        tuple("b", NodeStatus.OFFLINE),
        tuple("c", NodeStatus.ONLINE));
    store.record(List.of(new NodeSeen("c", clock.instant(), NodeStatus.OFFLINE)));
    assertThat(store.node("c").orElseThrow().status()).isEqualTo(NodeStatus.OFFLINE);
    store.record(List.of(new NodeSeen("a", clock.instant(), NodeStatus.ONLINE)));
    assertThat(store.node("a").orElseThrow().status()).isEqualTo(NodeStatus.ONLINE);
  }

  @Test
  void completingARoundCreditsEachContributorOnceAndClosesPendingInstructions() {
    Run run = run();
    store.record(List.of("n1", "n2", "n3").stream()
        .map(n -> new NodeSeen(n, clock.instant(), NodeStatus.ONLINE)).toList());
    for (int round = 1; round <= 2; round++) {
      store.startRound(run.id(), round);
      List<Bookkeeping> entries = new ArrayList<>();
      for (String n : List.of("n1", "n2", "n3")) {
        entries.add(new Instructed(run.id(), round, n, InstructionKind.FIT, model(round - 1), Map.of(), clock.instant()));
      }
      List<String> accepted = round == 1 ? List.of("n1", "n1") : List.of("n1", "n1", "n2");
      for (String n : accepted) {
        // n1 uploads twice, as a node whose first upload timed out does
        entries.add(new Received(Result.of(run.id(), round, n, model(100 * round), 5, Map.of()), clock.instant()));
        entries.add(new Resolved(run.id(), round, n, InstructionKind.FIT, InstructionStatus.DONE, null, clock.instant()));
      }
      store.record(entries);
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
            tuple("n3", InstructionStatus.FAILED, Optional.of("no result before the round completed")));
    assertThat(StoredRows.results(dir, run.id(), 1)).extracting(Result::node).containsExactly("n1");
    assertThat(store.roundsContributed(run.id())).isEqualTo(Map.of("n1", 2, "n2", 1));
  }

  // -------------------------------------------------------------------------------- status

  @Test
  void theStatusShowsEveryRunAndNode() {
    Run a = run();
    Run b = store.openRun(RunSpec.of("cifar", "x", 1, 10));
    store.record(List.of(new NodeSeen("n1", clock.instant(), NodeStatus.ONLINE)));
    clock.advance(Duration.ofMinutes(5));
    store.record(List.of(new NodeSeen("n2", clock.instant(), NodeStatus.ONLINE)));
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
    store.record(List.of(new NodeSeen("n1", clock.instant(), NodeStatus.ONLINE)));
    store.startRound(run.id(), 1);
    store.record(List.of(
        new Instructed(run.id(), 1, "n1", InstructionKind.FIT, model(0), Map.of("epochs", "1"), clock.instant()),
        new Received(Result.of(run.id(), 1, "n1", model(100), 5, Map.of("loss", 1.0)), clock.instant()),
        new Resolved(run.id(), 1, "n1", InstructionKind.FIT, InstructionStatus.DONE, null, clock.instant())));
    store.completeRound(run.id(), metrics(1, model(1)), model(1));
    StoreStatus before = store.status();
    List<Instruction> instructions = store.instructions(run.id(), 1);
    List<Result> results = StoredRows.results(dir, run.id(), 1);
    store.close();

    store = RunStore.open(dir, clock);
    assertThat(store.status()).isEqualTo(before);
    assertThat(store.instructions(run.id(), 1)).isEqualTo(instructions).hasSize(1);
    assertThat(StoredRows.results(dir, run.id(), 1)).isEqualTo(results).hasSize(1);
    assertThat(store.roundsContributed(run.id())).isEqualTo(Map.of("n1", 1));
    assertThat(store.openRun(spec("mnist")).id()).isEqualTo(run.id());
    assertThat(store.lastCompletedRound(run.id())).contains(new CompletedRound(1, model(1)));
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
