package dev.shoal.store;

import static dev.shoal.store.Rounds.metrics;
import static dev.shoal.store.Rounds.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.shoal.store.Bookkeeping.Ignored;
import dev.shoal.store.Bookkeeping.Instructed;
import dev.shoal.store.Bookkeeping.NodeSeen;
import dev.shoal.store.Bookkeeping.Receipt;
import dev.shoal.store.Bookkeeping.Resolved;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the coordinator writes about nodes and their work, in batches. */
class RunStoreBookkeepingTest {

  static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");
  static final InstructionKind FIT = InstructionKind.FIT;
  static final InstructionKind EVALUATE = InstructionKind.EVALUATE;

  @TempDir Path dir;
  RunStore store;
  Run run;

  @BeforeEach
  void open() {
    store = RunStore.open(dir, new MutableClock(T0));
    run = store.openRun(RunSpec.of("mnist", "rounds: 3\n", 1, 3));
  }

  @AfterEach
  void close() {
    store.close();
  }

  Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void nodesAreRegisteredSeenAndMarkedOfflineAndLastSeenNeverMovesBack() {
    store.record(List.of(
        new NodeSeen("a", at(1), NodeStatus.ONLINE),
        new NodeSeen("b", at(1), NodeStatus.ONLINE),
        new NodeSeen("a", at(20), NodeStatus.ONLINE),
        new NodeSeen("b", at(9), NodeStatus.OFFLINE),
        new NodeSeen("a", at(15), NodeStatus.ONLINE)));
    assertThat(store.nodes()).extracting(Node::name, Node::firstSeen, Node::lastSeen, Node::status).containsExactly(
        tuple("a", at(1), at(20), NodeStatus.ONLINE),
        tuple("b", at(1), at(9), NodeStatus.OFFLINE));
  }

  @Test
  void instructionsOfBothKindsAndTheirOutcomesAreRecordedOncePerNodeAndRound() {
    store.record(List.of(new NodeSeen("a", at(0), NodeStatus.ONLINE), new NodeSeen("b", at(0), NodeStatus.ONLINE),
        new NodeSeen("c", at(0), NodeStatus.ONLINE)));
    store.startRound(run.id(), 1);
    store.record(List.of(
        new Instructed(run.id(), 1, "a", FIT, model(0), Map.of("epochs", "1"), at(1)),
        new Instructed(run.id(), 1, "b", FIT, model(0), Map.of("epochs", "1"), at(1)),
        new Instructed(run.id(), 1, "c", FIT, model(0), Map.of("epochs", "1"), at(1)),
        new Resolved(run.id(), 1, "a", FIT, InstructionStatus.DONE, null, at(2)),
        new Resolved(run.id(), 1, "b", FIT, InstructionStatus.FAILED, "out of memory", at(2)),
        new Resolved(run.id(), 1, "c", FIT, InstructionStatus.TIMED_OUT, "no answer", at(3)),
        new Instructed(run.id(), 1, "a", EVALUATE, model(1), Map.of(), at(4)),
        new Resolved(run.id(), 1, "a", EVALUATE, InstructionStatus.OFFLINE, "node went offline", at(5))));
    assertThat(store.instructions(run.id(), 1))
        .extracting(Instruction::node, Instruction::kind, Instruction::status, Instruction::reason)
        .containsExactly(
            tuple("a", EVALUATE, InstructionStatus.OFFLINE, Optional.of("node went offline")),
            tuple("a", FIT, InstructionStatus.DONE, Optional.empty()),
            tuple("b", FIT, InstructionStatus.FAILED, Optional.of("out of memory")),
            tuple("c", FIT, InstructionStatus.TIMED_OUT, Optional.of("no answer")));
  }

  @Test
  void acceptedResultsAreWrittenOnceWithTheirUpdateId() {
    store.record(List.of(new NodeSeen("a", at(0), NodeStatus.ONLINE)));
    store.startRound(run.id(), 1);
    Result first = Result.of(run.id(), 1, "a", model(1), 40, Map.of("train_loss", 0.5));
    store.record(List.of(new Bookkeeping.Received(first, at(1)),
        new Bookkeeping.Received(Result.of(run.id(), 1, "a", model(2), 41, Map.of()), at(2)),
        new Bookkeeping.Received(Result.of(run.id(), 9, "a", model(1), 40, Map.of()), at(3)),
        new Bookkeeping.Received(Result.of(run.id(), 1, "ghost", model(1), 40, Map.of()), at(4))));
    assertThat(StoredRows.results(dir, run.id(), 1)).extracting(Result::node, Result::updateId, Result::numExamples,
        Result::metrics, Result::received).containsExactly(tuple("a", model(1), 40L, Map.of("train_loss", 0.5), at(1)));
    assertThat(StoredRows.results(dir, run.id(), 9)).isEmpty();
  }

  @Test
  void aRetriedResultIsCountedOnceInTheSameBatchOrALaterOne() {
    store.record(List.of(new NodeSeen("a", at(0), NodeStatus.ONLINE)));
    store.startRound(run.id(), 1);
    Result result = Result.of(run.id(), 1, "a", model(100), 600, Map.of("train_loss", 0.3, "acc", Double.NaN));
    store.record(List.of(new Instructed(run.id(), 1, "a", FIT, model(0), Map.of(), at(1)),
        new Bookkeeping.Received(result, at(2)), new Bookkeeping.Received(result, at(3)),
        new Resolved(run.id(), 1, "a", FIT, InstructionStatus.DONE, null, at(3))));
    store.record(List.of(new Bookkeeping.Received(result, at(4)),
        new Bookkeeping.Received(Result.of(run.id(), 1, "a", model(101), 600, Map.of()), at(5)),
        new Ignored(run.id(), 1, "a", FIT, Receipt.DUPLICATE, at(5))));
    List<Result> results = StoredRows.results(dir, run.id(), 1);
    assertThat(results).hasSize(1);
    Result stored = results.get(0);
    assertThat(stored.updateId()).as("the first upload is kept").isEqualTo(model(100));
    assertThat(stored.numExamples()).isEqualTo(600);
    assertThat(stored.metrics()).containsEntry("train_loss", 0.3);
    assertThat(stored.metrics().get("acc")).isNaN();
    assertThat(stored.received()).isEqualTo(at(2));
    assertThat(store.ignoredResults(run.id())).hasSize(1);
    store.completeRound(run.id(), metrics(1, model(1)), model(1));
    assertThat(store.node("a").orElseThrow().roundsContributed()).isEqualTo(1);
    assertThat(store.roundsContributed(run.id())).isEqualTo(Map.of("a", 1));
  }

  @Test
  void aResultAcceptedJustBeforeItsRoundCompletedIsKeptWhenWrittenAfter() {
    // the transport hands the engine a result, then tells the journal: the engine may complete the
    // round before the journal writes it
    store.record(List.of(new NodeSeen("a", at(0), NodeStatus.ONLINE)));
    store.record(List.of(new Bookkeeping.Received(Result.of(run.id(), 1, "a", model(1), 1, Map.of()), at(1))));
    store.startRound(run.id(), 1);
    store.record(List.of(new Instructed(run.id(), 1, "a", FIT, model(0), Map.of(), at(2)),
        new Resolved(run.id(), 1, "a", FIT, InstructionStatus.DONE, null, at(3))));
    store.completeRound(run.id(), metrics(1, model(1)), model(1));
    store.record(List.of(new Bookkeeping.Received(Result.of(run.id(), 1, "a", model(2), 1, Map.of()), at(4))));
    assertThat(StoredRows.results(dir, run.id(), 1)).as("the result before the round started is skipped")
        .extracting(Result::node, Result::updateId).containsExactly(tuple("a", model(2)));
    assertThat(store.node("a").orElseThrow().roundsContributed()).as("credited once, for its done fit").isEqualTo(1);
  }

  @Test
  void anInstructionGivenAgainIsPendingAgainWithItsNewConfig() {
    store.record(List.of(new NodeSeen("a", at(0), NodeStatus.ONLINE)));
    store.startRound(run.id(), 1);
    store.record(List.of(new Instructed(run.id(), 1, "a", FIT, model(0), Map.of("epochs", "2", "seed", "17"), at(1)),
        new Resolved(run.id(), 1, "a", FIT, InstructionStatus.FAILED, "timed out after 60s", at(2))));
    assertThat(store.instructions(run.id(), 1)).containsExactly(new Instruction(run.id(), 1, "a", model(0),
        Map.of("epochs", "2", "seed", "17"), InstructionStatus.FAILED, Optional.of("timed out after 60s"), FIT));
    store.record(List.of(new Instructed(run.id(), 1, "a", FIT, model(0), Map.of("epochs", "1"), at(3))));
    assertThat(store.instructions(run.id(), 1)).containsExactly(new Instruction(run.id(), 1, "a", model(0),
        Map.of("epochs", "1"), InstructionStatus.PENDING, Optional.empty(), FIT));
  }

  @Test
  void workForANodeNeverSeenFailsTheWholeBatchNamingTheNode() {
    store.startRound(run.id(), 1);
    List<Bookkeeping> instructed = List.of(new NodeSeen("a", at(0), NodeStatus.ONLINE),
        new Instructed(run.id(), 1, "ghost", FIT, model(0), Map.of(), at(1)));
    assertThatThrownBy(() -> store.record(instructed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown node 'ghost': a node is registered by its first heartbeat");
    assertThat(store.nodes()).as("nothing of a failed batch is written").isEmpty();
    assertThatThrownBy(() -> store.record(List.of(new Ignored(run.id(), 1, "ghost", FIT, Receipt.LATE, at(2)))))
        .hasMessage("unknown node 'ghost': a node is registered by its first heartbeat");
    assertThat(store.ignoredResults(run.id())).isEmpty();
  }

  @Test
  void anOutcomeWithoutItsInstructionChangesNothingAndPendingIsNoOutcome() {
    store.record(List.of(new NodeSeen("a", at(0), NodeStatus.ONLINE)));
    store.startRound(run.id(), 1);
    store.record(List.of(new Resolved(run.id(), 1, "a", FIT, InstructionStatus.DONE, null, at(1))));
    assertThat(store.instructions(run.id(), 1)).isEmpty();
    assertThatThrownBy(() -> new Resolved(run.id(), 1, "a", FIT, InstructionStatus.PENDING, null, at(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an instruction is resolved as done, failed, timed out or offline");
  }

  @Test
  void ignoredResultsAreKeptAndEntriesThatNoLongerApplyAreSkipped() {
    store.record(List.of(new NodeSeen("a", at(0), NodeStatus.ONLINE)));
    store.startRound(run.id(), 1);
    store.record(List.of(
        new Ignored(run.id(), 1, "a", FIT, Receipt.DUPLICATE, at(1)),
        new Ignored(run.id(), 7, "a", EVALUATE, Receipt.NOT_INSTRUCTED, at(2)),
        new Ignored(run.id() + 1, 1, "a", FIT, Receipt.LATE, at(3)),
        new Resolved(run.id(), 1, "a", FIT, InstructionStatus.DONE, null, at(4)),
        new Instructed(run.id(), 2, "a", FIT, model(1), Map.of(), at(5))));
    assertThat(store.ignoredResults(run.id())).containsExactly(
        new Ignored(run.id(), 1, "a", FIT, Receipt.DUPLICATE, at(1)),
        new Ignored(run.id(), 7, "a", EVALUATE, Receipt.NOT_INSTRUCTED, at(2)));
    assertThat(store.instructions(run.id(), 1)).isEmpty();
    assertThat(store.instructions(run.id(), 2)).isEmpty();
  }

  @Test
  void roundsContributedCountAcceptedFitResultsOfTheRunAndCompletedRoundsCreditNodes() {
    store.record(List.of(new NodeSeen("a", at(0), NodeStatus.ONLINE), new NodeSeen("b", at(0), NodeStatus.ONLINE)));
    for (int round = 1; round <= 2; round++) {
      store.startRound(run.id(), round);
      store.record(List.of(
          new Instructed(run.id(), round, "a", FIT, model(round - 1), Map.of(), at(round)),
          new Instructed(run.id(), round, "b", FIT, model(round - 1), Map.of(), at(round)),
          new Instructed(run.id(), round, "b", EVALUATE, model(round), Map.of(), at(round)),
          new Resolved(run.id(), round, "a", FIT, InstructionStatus.DONE, null, at(round)),
          new Resolved(run.id(), round, "b", EVALUATE, InstructionStatus.DONE, null, at(round)),
          new Resolved(run.id(), round, "b", FIT, round == 1 ? InstructionStatus.DONE : InstructionStatus.FAILED,
              round == 1 ? null : "disk full", at(round))));
      store.completeRound(run.id(), metrics(round, model(round)), model(round));
    }
    store.startRound(run.id(), 3);
    store.record(List.of(new Instructed(run.id(), 3, "a", FIT, model(2), Map.of(), at(3)),
        new Resolved(run.id(), 3, "a", FIT, InstructionStatus.DONE, null, at(3))));
    assertThat(store.roundsContributed(run.id())).isEqualTo(Map.of("a", 3, "b", 1));
    assertThat(store.nodes()).extracting(Node::name, Node::roundsContributed)
        .containsExactly(tuple("a", 2), tuple("b", 1));
    Run other = store.openRun(RunSpec.of("other", "x", 1, 1));
    assertThat(store.roundsContributed(other.id())).isEmpty();
  }

  @Test
  void aRestartedRoundDiscardsTheInstructionsOfItsEarlierAttempt() {
    store.record(List.of(new NodeSeen("a", at(0), NodeStatus.ONLINE)));
    store.startRound(run.id(), 1);
    store.record(List.of(new Instructed(run.id(), 1, "a", FIT, model(0), Map.of(), at(1)),
        new Resolved(run.id(), 1, "a", FIT, InstructionStatus.DONE, null, at(2))));
    store.startRound(run.id(), 1);
    assertThat(store.roundsContributed(run.id())).isEmpty();
  }

  @Test
  void aVersionOneDatabaseIsMigratedKeepingItsInstructionsAsFit() throws Exception {
    Path old = dir.resolve("old");
    java.nio.file.Files.createDirectories(old);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old.resolve(RunStore.FILE_NAME));
        Statement s = c.createStatement()) {
      for (String ddl : Schema.V1) {
        s.execute(ddl);
      }
      s.execute("PRAGMA user_version = 1");
      s.execute("INSERT INTO runs VALUES (1, 'r', 'h', 'c', 1, 2, 'running', 't', 't')");
      s.execute("INSERT INTO rounds (run_id, round, status, started) VALUES (1, 1, 'started', 't')");
      s.execute("INSERT INTO nodes VALUES ('a', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'online', 0)");
      s.execute("INSERT INTO instructions VALUES (1, 1, 'a', '" + model(0).value() + "', '{}', 'done', NULL, 't', 't')");
    }
    try (RunStore migrated = RunStore.open(old)) {
      assertThat(migrated.instructions(1, 1)).extracting(Instruction::node, Instruction::kind, Instruction::status)
          .containsExactly(tuple("a", FIT, InstructionStatus.DONE));
      assertThat(migrated.roundsContributed(1)).containsExactlyEntriesOf(Map.of("a", 1));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old.resolve(RunStore.FILE_NAME));
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      assertThat(rs.getInt(1)).isEqualTo(Schema.VERSION);
    }
  }
}
