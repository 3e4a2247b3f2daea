package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.ledger.LedgerCorruptedException;
import dev.shoal.ledger.LedgerLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shoal ledger} on a real run's ledger, intact and tampered with. */
class LedgerCommandTest extends InProcessCommandTest {

  @TempDir static Path dir;
  static Path run;

  @BeforeAll
  static void aRun() {
    run = dir.resolve("run");
    int code = Main.execute(new String[] {"simulate", "--model", "logreg", "--clients", "3", "--rounds", "2",
        "--contribution", "loo", "--out", run.toString()});
    assertThat(code).isZero();
  }

  Path ledger() {
    return run.resolve("ledger");
  }

  @Test
  void aRunsLedgerVerifiesAndShowsWhatHappened() throws Exception {
    assertThat(shoal("ledger", "verify", run.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("ledger verified: 3 entries, 3 signed checkpoints");
    assertThat(Files.getPosixFilePermissions(ledger().resolve("log.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    assertThat(shoal("ledger", "show", run.toString())).isZero();
    assertThat(out.toString()).contains("0  run_started      run simulation, strategy fedavg")
        .contains("2  round_completed  round 2, model sha256:").contains("3 participants");

    assertThat(shoal("ledger", "provenance", run.toString(), run.resolve("model.safetensors").toString())).isZero();
    assertThat(out.toString()).contains("is the global model of round 2 of run simulation (ledger entry 2)")
        .contains("contributors: client-000, client-001, client-002")
        .contains("inclusion in the signed checkpoint of size 3: verified");
  }

  @Test
  void proofsAndTheExportCarryTheExactBytesThatWereHashed() throws Exception {
    assertThat(shoal("ledger", "prove", run.toString(), "--entry", "1")).isZero();
    JsonNode proof = new ObjectMapper().readTree(out.toString());
    assertThat(proof.get("tree_size").asLong()).isEqualTo(3);
    assertThat(proof.get("inclusion_proof")).hasSize(2);
    assertThat(proof.get("checkpoint").asText()).startsWith("shoal/simulation\n3\n");

    assertThat(shoal("ledger", "export", run.toString(), "--format", "jsonl")).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(6);
    List<byte[]> entries = LedgerLog.read(ledger()).entries();
    for (int i = 0; i < 3; i++) {
      JsonNode line = new ObjectMapper().readTree(lines.get(i));
      assertThat(line.get("index").asInt()).isEqualTo(i);
      assertThat(Base64.getDecoder().decode(line.get("leaf").asText())).isEqualTo(entries.get(i));
    }
    assertThat(new ObjectMapper().readTree(lines.get(5)).get("checkpoint").asText()).contains("\n3\n");
  }

  @Test
  void flippingAByteOfAnyEntryIsCaughtAndNamesThatEntry() throws Exception {
    Path file = ledger().resolve("ledger.log");
    byte[] original = Files.readAllBytes(file);
    List<byte[]> entries = LedgerLog.read(ledger()).entries();
    long offset = 8;
    for (int i = 0; i < entries.size(); i++) {
      byte[] tampered = original.clone();
      tampered[(int) (offset + 12 + entries.get(i).length / 2)] ^= 0x01;
      Files.write(file, tampered);
      try {
        assertThat(shoal("ledger", "verify", run.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("entry " + i + " is damaged");
      } finally {
        Files.write(file, original);
      }
      offset += 12 + entries.get(i).length;
    }
    assertThat(shoal("ledger", "verify", run.toString())).isZero();
  }

  @Test
  void flippingAByteOfAnyCheckpointIsCaughtAndNamesThatCheckpoint() throws Exception {
    for (Path note : RunLedger.checkpointFiles(ledger())) {
      byte[] original = Files.readAllBytes(note);
      byte[] tampered = original.clone();
      tampered[original.length - 10] ^= 0x01; // inside the signature
      Files.write(note, tampered);
      try {
        assertThat(shoal("ledger", "verify", run.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("checkpoint " + note.getFileName());
      } finally {
        Files.write(note, original);
      }
    }
  }

  @Test
  void aTruncatedLogIsCaughtAgainstTheLastCheckpoint() throws Exception {
    Path file = ledger().resolve("ledger.log");
    byte[] original = Files.readAllBytes(file);
    List<byte[]> entries = LedgerLog.read(ledger()).entries();
    try {
      Files.write(file, java.util.Arrays.copyOf(original, original.length - 12 - entries.get(2).length));
      assertThat(shoal("ledger", "verify", run.toString())).isEqualTo(1);
      assertThat(err.toString()).contains("the log is truncated: checkpoint 000000000003.note covers 3 entries,"
          + " the log holds 2");
    } finally {
      Files.write(file, original);
    }
  }

  @Test
  void aCrashDuringAnAppendLeavesALogThatVerifies() throws Exception {
    Path file = ledger().resolve("ledger.log");
    byte[] original = Files.readAllBytes(file);
    try {
      // the crash left half a record behind (here: the start of a copy of the last record),
      // which no checkpoint covers
      int record = LedgerLog.read(ledger()).entries().get(2).length + 12;
      byte[] torn = java.util.Arrays.copyOf(original, original.length + record / 2);
      System.arraycopy(original, original.length - record, torn, original.length, record / 2);
      Files.write(file, torn);
      assertThat(shoal("ledger", "verify", run.toString())).as(err.toString()).isZero();
      assertThat(out.toString()).contains("note: ignored an incomplete last record");
      // the crash came after the append and before its checkpoint: the entry is there, unsigned
      Files.write(file, original);
      Path last = RunLedger.checkpointFile(ledger(), 3);
      byte[] note = Files.readAllBytes(last);
      Files.delete(last);
      assertThat(shoal("ledger", "verify", run.toString())).isZero();
      assertThat(out.toString()).contains("note: entries 2..2 are not yet in a signed checkpoint");
      // resuming signs it
      RunLedger.open(run, "simulation").close();
      assertThat(shoal("ledger", "verify", run.toString())).isZero();
      assertThat(out.toString()).doesNotContain("note:").contains("3 signed checkpoints");
      Files.write(last, note);
    } finally {
      Files.write(file, original);
    }
  }

  @Test
  void aFlippedByteInTheLastCompleteRecordStopsTheWriterAndChangesNothing() throws Exception {
    Path file = ledger().resolve("ledger.log");
    byte[] original = Files.readAllBytes(file);
    byte[] tampered = original.clone();
    tampered[original.length - 3] ^= 0x01;
    try {
      Files.write(file, tampered);
      assertThatThrownBy(() -> RunLedger.open(run, "simulation")).isInstanceOf(LedgerCorruptedException.class)
          .hasMessageContaining(file.toString()).hasMessageContaining("corrupt at record 2")
          .hasMessageContaining("not a torn write").hasMessageContaining("docs/operations.md");
      assertThat(Files.readAllBytes(file)).as("nothing cut, nothing appended").isEqualTo(tampered);
      assertThat(RunLedger.checkpointFiles(ledger())).hasSize(3);
      assertThat(shoal("ledger", "verify", run.toString())).isEqualTo(1);
      assertThat(err.toString()).contains("entry 2 is damaged");
      // the last record cut short, though a checkpoint covers it: truncation, not a torn write
      Files.write(file, java.util.Arrays.copyOf(original, original.length - 5));
      assertThatThrownBy(() -> RunLedger.open(run, "simulation")).isInstanceOf(LedgerCorruptedException.class)
          .hasMessageContaining("which a signed checkpoint of 3 entries covers");
      assertThat(Files.size(file)).isEqualTo(original.length - 5);
    } finally {
      Files.write(file, original);
    }
    RunLedger.open(run, "simulation").close();
  }

  @Test
  void aDamagedCheckpointOrKeyIsRefusedAtStartAndByVerifyNamingTheFile() throws Exception {
    for (Path damaged : List.of(RunLedger.checkpointFile(ledger(), 2), ledger().resolve("log.key"),
        ledger().resolve("log.pub"))) {
      byte[] original = Files.readAllBytes(damaged);
      byte[] tampered = original.clone();
      tampered[original.length / 2] = (byte) 0xff; // not text any more
      try {
        Files.write(damaged, tampered);
        assertThatThrownBy(() -> RunLedger.open(run, "simulation")).as(damaged.toString())
            .hasMessageContaining(damaged.toString()).hasMessageContaining("is damaged")
            .hasMessageContaining("docs/operations.md");
        assertThat(shoal("ledger", "verify", run.toString())).as(damaged.toString()).isEqualTo(1);
        assertThat(err.toString()).as(damaged.toString()).contains(damaged.getFileName().toString())
            .doesNotContain("Input length").doesNotContain("Caused by").doesNotContain("\tat ");
        assertThat(err.toString().lines().filter(l -> l.startsWith("error:")).count()).as("printed once").isEqualTo(1);
        // an altered signature in a checkpoint is refused at start too, not only by verify
        if (damaged.getFileName().toString().endsWith(".note")) {
          tampered = original.clone();
          // another base64 letter inside the signature: still well-formed, no longer valid
          int at = original.length - 10;
          tampered[at] = (byte) (original[at] == 'A' ? 'B' : 'A');
          Files.write(damaged, tampered);
          assertThatThrownBy(() -> RunLedger.open(run, "simulation")).hasMessageContaining(damaged.toString())
              .hasMessageContaining("invalid signature");
        }
      } finally {
        Files.write(damaged, original);
      }
    }
    RunLedger.open(run, "simulation").close();
    assertThat(shoal("ledger", "verify", run.toString())).isZero();
  }

  @Test
  void aDirectoryWithoutALedgerIsNamed() {
    assertThat(shoal("ledger", "verify", dir.resolve("nothing").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("has no ledger");
    assertThat(shoal("ledger", "prove", run.toString(), "--entry", "7")).isEqualTo(1);
    assertThat(err.toString()).contains("entry must be in 0..2");
  }
}
