package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
  void aDirectoryWithoutALedgerIsNamed() {
    assertThat(shoal("ledger", "verify", dir.resolve("nothing").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("has no ledger");
    assertThat(shoal("ledger", "prove", run.toString(), "--entry", "7")).isEqualTo(1);
    assertThat(err.toString()).contains("entry must be in 0..2");
  }
}
