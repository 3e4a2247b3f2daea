package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.shoal.round.RemoteClients;
import dev.shoal.store.Instruction;
import dev.shoal.store.InstructionKind;
import dev.shoal.store.InstructionStatus;
import dev.shoal.store.Node;
import dev.shoal.store.NodeStatus;
import dev.shoal.store.Run;
import dev.shoal.store.RunSpec;
import dev.shoal.store.RunStore;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreJournalTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void heartbeatsAreWrittenOnStateChangesAndAtMostOncePerIntervalAndAllAtClose() {
    try (RunStore store = RunStore.open(dir)) {
      Run run = store.openRun(RunSpec.of("r", "x", 1, 2));
      try (StoreJournal journal = new StoreJournal(store, run.id(), Duration.ofSeconds(15))) {
        journal.online("a", T0);
        journal.seen("a", T0.plusSeconds(5));
        journal.flush();
        assertThat(store.node("a").orElseThrow().lastSeen()).as("a heartbeat inside the interval waits").isEqualTo(T0);
        journal.seen("a", T0.plusSeconds(15));
        journal.seen("a", T0.plusSeconds(20));
        journal.flush();
        assertThat(store.node("a").orElseThrow().lastSeen()).isEqualTo(T0.plusSeconds(15));
        journal.offline("a", T0.plusSeconds(20));
        journal.flush();
        assertThat(store.node("a").orElseThrow().status()).isEqualTo(NodeStatus.OFFLINE);
        journal.online("a", T0.plusSeconds(40));
        journal.seen("a", T0.plusSeconds(41));
      }
      assertThat(store.nodes()).extracting(Node::name, Node::lastSeen, Node::status)
          .containsExactly(tuple("a", T0.plusSeconds(41), NodeStatus.ONLINE));
    }
  }

  @Test
  void instructionsAndOutcomesReachTheStoreInOrder() {
    try (RunStore store = RunStore.open(dir)) {
      Run run = store.openRun(RunSpec.of("r", "x", 1, 2));
      ParameterSet global = new ParameterSet(List.of(new Tensor("w", new int[] {1}, new float[] {1})));
      try (StoreJournal journal = new StoreJournal(store, run.id(), Duration.ofSeconds(15))) {
        journal.online("a", T0);
        journal.online("b", T0);
        store.startRound(run.id(), 1);
        for (String n : List.of("a", "b")) {
          journal.instructed(n, new RemoteClients.Work.Fit(
              new FitInstruction(n, 1, global, new FitConfig(2, 32, 0.05, 7))), T0);
        }
        journal.outcome("a", RemoteClients.Kind.FIT, 1, RemoteClients.Outcome.ACCEPTED, null, T0);
        journal.outcome("a", RemoteClients.Kind.FIT, 1, RemoteClients.Outcome.DUPLICATE, null, T0);
        journal.outcome("b", RemoteClients.Kind.FIT, 1, RemoteClients.Outcome.TIMED_OUT, "no answer", T0);
        journal.outcome("b", RemoteClients.Kind.FIT, 1, RemoteClients.Outcome.LATE, null, T0);
        journal.instructed("a", new RemoteClients.Work.Evaluate(1, global), T0);
        journal.outcome("a", RemoteClients.Kind.EVALUATE, 1, RemoteClients.Outcome.FAILED, "no test data", T0);
        // stages of secure aggregation are not instructions of the record
        journal.instructed("a", new RemoteClients.Work.SecAgg(1, "share-keys", new byte[] {1}), T0);
        journal.outcome("a", RemoteClients.Kind.SECAGG, 1, RemoteClients.Outcome.ACCEPTED, null, T0);
        journal.outcome("a", RemoteClients.Kind.SECAGG, 1, RemoteClients.Outcome.DUPLICATE, null, T0);
        journal.flush();
      }
      assertThat(store.instructions(run.id(), 1))
          .extracting(Instruction::node, Instruction::kind, Instruction::status)
          .containsExactly(
              tuple("a", InstructionKind.EVALUATE, InstructionStatus.FAILED),
              tuple("a", InstructionKind.FIT, InstructionStatus.DONE),
              tuple("b", InstructionKind.FIT, InstructionStatus.TIMED_OUT));
      assertThat(store.instructions(run.id(), 1).get(1).config())
          .isEqualTo(Map.of("epochs", "2", "batch_size", "32", "learning_rate", "0.05", "seed", "7"));
      assertThat(store.ignoredResults(run.id())).hasSize(2);
      assertThat(store.roundsContributed(run.id())).containsExactlyEntriesOf(Map.of("a", 1));
    }
  }
}
