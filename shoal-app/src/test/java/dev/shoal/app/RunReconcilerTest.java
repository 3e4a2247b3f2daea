package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.ledger.LedgerEntry;
import dev.shoal.ledger.LedgerLog;
import dev.shoal.ledger.RoundCompleted;
import dev.shoal.ledger.RunStarted;
import dev.shoal.report.MetricsJsonl;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RoundRecord;
import dev.shoal.store.Run;
import dev.shoal.store.RunSpec;
import dev.shoal.store.StateDirectory;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator that stopped between committing a round to its database and writing the round's
 * other outputs (the crash the ledger used to lose rounds to) is brought level on start: real
 * SQLite, real ledger files.
 */
class RunReconcilerTest {

  @TempDir Path state;

  static ParameterSet model(int round) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[] {round, -round})));
  }

  static RoundMetrics metrics(int round, ContentId model) {
    return new RoundMetrics(round, 2, 0, true, 0.5, 0.4, 0.9, 10, 20, 1.0, model.value(), Map.of());
  }

  /** Commits rounds 1..n to the database as the committer does, and the ledger entries of rounds 1..inLedger only. */
  void commit(int n, int inLedger, boolean keepEntries) throws Exception {
    try (StateDirectory dir = StateDirectory.open(state); RunLedger ledger = RunLedger.open(state, "r")) {
      Run run = dir.runs().openRun(RunSpec.of("r", "config", 1, 10));
      ledger.append(new RunStarted("r", ContentId.of(new byte[0]).value(), "fedavg", Instant.EPOCH));
      for (int round = dir.runs().committedRounds(run.id()).size() + 1; round <= n; round++) {
        dir.runs().startRound(run.id(), round);
        ContentId id = dir.blobs().putModel(model(round));
        RoundMetrics m = metrics(round, id);
        RoundCompleted entry = LedgerRecorder.roundCompleted("r", m, new RoundRecord(Map.of("n1", id.value()),
            Optional.empty()));
        dir.runs().completeRound(run.id(), m, id,
            keepEntries ? Optional.of(new String(entry.toJson(), StandardCharsets.UTF_8)) : Optional.empty());
        if (round <= inLedger) {
          ledger.append(entry);
          new RunOutputs(state).appendMetrics(MetricsJsonl.line(m));
        }
      }
    }
  }

  int reconcile() throws Exception {
    try (StateDirectory dir = StateDirectory.open(state); RunLedger ledger = RunLedger.open(state, "r")) {
      Run run = dir.runs().openRun(RunSpec.of("r", "config", 1, 10));
      return RunReconciler.reconcile(dir, run.id(), "r", ledger, new RunOutputs(state));
    }
  }

  List<Long> ledgerRounds() throws Exception {
    List<Long> rounds = new ArrayList<>();
    for (byte[] e : LedgerLog.read(state.resolve("ledger")).entries()) {
      if (LedgerEntry.parse(e) instanceof RoundCompleted r) {
        rounds.add(r.round());
      }
    }
    return rounds;
  }

  @Test
  void roundsCommittedButMissingFromTheLedgerAreAppendedAndSignedBeforeAnythingElse() throws Exception {
    commit(4, 1, true);
    assertThat(ledgerRounds()).containsExactly(1L);

    assertThat(reconcile()).isEqualTo(3);
    assertThat(ledgerRounds()).containsExactly(1L, 2L, 3L, 4L);
    LedgerCheck check = LedgerCheck.of(state);
    assertThat(check.notices()).as("every entry signed").isEmpty();
    assertThat(check.latest().size()).isEqualTo(5);
    // the appended entry is the one committed with the round, byte for byte
    try (StateDirectory dir = StateDirectory.open(state)) {
      long id = dir.runs().run("r").orElseThrow().id();
      assertThat(new String(check.entries().get(4), StandardCharsets.UTF_8))
          .isEqualTo(dir.runs().committedRounds(id).get(3).ledgerEntry().orElseThrow());
    }
    assertThat(Files.readAllLines(state.resolve("metrics.jsonl"))).hasSize(4);
    assertThat(ContentId.of(Files.readAllBytes(state.resolve("model.safetensors"))))
        .isEqualTo(ContentId.of(model(4)));
    assertThat(reconcile()).as("nothing left to do").isZero();
    assertThat(ledgerRounds()).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aShortMetricsFileAndAMissingModelFileAreRebuilt() throws Exception {
    commit(3, 3, true);
    Path metrics = state.resolve("metrics.jsonl");
    byte[] full = Files.readAllBytes(metrics);
    Files.write(metrics, java.util.Arrays.copyOf(full, full.length - 7));
    Files.deleteIfExists(state.resolve("model.safetensors"));
    assertThat(reconcile()).isZero();
    assertThat(Files.readAllBytes(metrics)).isEqualTo(full);
    assertThat(ContentId.of(Files.readAllBytes(state.resolve("model.safetensors"))))
        .isEqualTo(ContentId.of(model(3)));
  }

  @Test
  void roundsCommittedByAnOlderShoalAreRebuiltFromTheDatabase() throws Exception {
    commit(2, 1, false);
    assertThat(reconcile()).isEqualTo(1);
    RoundCompleted r = (RoundCompleted) LedgerEntry.parse(LedgerLog.read(state.resolve("ledger")).entries().get(2));
    assertThat(r.round()).isEqualTo(2);
    assertThat(r.modelId()).isEqualTo(ContentId.of(model(2)).value());
    assertThat(r.metrics()).containsEntry("test_accuracy", 0.9).containsEntry("clients", 2.0);
    assertThat(LedgerCheck.of(state).notices()).isEmpty();
  }

  @Test
  void aLedgerAheadOfTheDatabaseIsRefused() throws Exception {
    commit(2, 2, true);
    try (RunLedger ledger = RunLedger.open(state, "r")) {
      ledger.append(new RoundCompleted("r", 3, ContentId.of(model(3)).value(), List.of(), Map.of(), Map.of(), Map.of(),
          Map.of(), Map.of()));
    }
    assertThatThrownBy(this::reconcile).isInstanceOf(UserError.class)
        .hasMessageContaining("records round 3 of run 'r', which the state database does not hold as completed");
  }
}
