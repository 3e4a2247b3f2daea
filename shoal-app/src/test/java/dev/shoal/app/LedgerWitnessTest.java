package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.ledger.LedgerLog;
import dev.shoal.ledger.RunStarted;
import dev.shoal.node.LedgerWitness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes witness the coordinator's ledger over gRPC with mutual TLS: they cosign each checkpoint,
 * keep the last one, and catch a coordinator that truncates or rewrites its log.
 */
@Tag("slow")
class LedgerWitnessTest extends InProcessCommandTest {

  @TempDir static Path dir;
  static Path run;

  @BeforeAll
  static void aRunOverGrpc() {
    run = dir.resolve("run");
    int code = Main.execute(new String[] {"simulate", "--transport", "grpc", "--model", "logreg", "--clients", "3",
        "--rounds", "3", "--contribution", "loo", "--out", run.toString()});
    assertThat(code).isZero();
  }

  static Path kept(String node) {
    return run.resolve("nodes").resolve(node).resolve(NodeWitness.DIR);
  }

  @Test
  void everyNodeCosignedTheFinalCheckpointAndKeptIt() throws Exception {
    assertThat(shoal("ledger", "verify", run.toString(), "--witness", kept("client-001").resolve("checkpoint.note").toString()))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("ledger verified: 4 entries, 4 signed checkpoints")
        .contains("cosigned by 3 node(s), each up to: client-000 4, client-001 4, client-002 4")
        .contains("consistent with the checkpoint kept by client-001 at 4 entries");
    assertThat(Files.readString(RunLedger.checkpointFile(run.resolve("ledger"), 4)))
        .contains("\u2014 client-000 ").contains("\u2014 client-001 ").contains("\u2014 client-002 ");
    assertThat(Files.getPosixFilePermissions(kept("client-000").resolve("cosigner.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void aTruncatedLogIsCaughtAgainstTheCheckpointANodeCosigned() throws Exception {
    Path ledger = run.resolve("ledger");
    Path file = ledger.resolve(LedgerLog.FILE_NAME);
    Path lastCheckpoint = RunLedger.checkpointFile(ledger, 4);
    byte[] original = Files.readAllBytes(file);
    String note = Files.readString(lastCheckpoint);
    List<byte[]> entries = LedgerLog.read(ledger).entries();
    try {
      // the coordinator's operator cuts the last round and removes the checkpoint that covered it
      Files.write(file, Arrays.copyOf(original, original.length - 12 - entries.get(3).length));
      Files.delete(lastCheckpoint);
      assertThat(shoal("ledger", "verify", run.toString())).as(err.toString()).isZero();
      assertThat(out.toString()).contains("ledger verified: 3 entries, 3 signed checkpoints");

      Path witnessed = kept("client-002").resolve("checkpoint.note");
      assertThat(shoal("ledger", "verify", run.toString(), "--witness", witnessed.toString())).isEqualTo(1);
      assertThat(err.toString()).contains("the log is truncated: client-002 cosigned a checkpoint of 4 entries ("
          + witnessed + "), the log holds 3");
    } finally {
      Files.write(file, original);
      Files.writeString(lastCheckpoint, note);
    }
  }

  @Test
  void aNodeRefusesALogThatWasRewrittenAndSaysWhy() throws Exception {
    Path copy = dir.resolve("rewritten");
    copyTree(run, copy);
    Path file = copy.resolve("ledger").resolve(LedgerLog.FILE_NAME);
    byte[] original = Files.readAllBytes(file);
    List<byte[]> entries = LedgerLog.read(copy.resolve("ledger")).entries();
    // drop the last round and append something else in its place, signed with the log's own key
    Files.write(file, Arrays.copyOf(original, original.length - 12 - entries.get(3).length));
    Files.delete(RunLedger.checkpointFile(copy.resolve("ledger"), 4));
    try (RunLedger ledger = RunLedger.open(copy, "simulation")) {
      ledger.append(new RunStarted("simulation", "sha256:" + "0".repeat(64), "fedavg", java.time.Instant.parse("2026-01-01T00:00:00Z")));
      ledger.append(new RunStarted("simulation", "sha256:" + "1".repeat(64), "fedavg", java.time.Instant.parse("2026-01-01T00:00:00Z")));
      NodeWitness witness = NodeWitness.open("client-000", Optional.of(copy.resolve("nodes").resolve("client-000")));
      assertThat(witness.size()).isEqualTo(4);
      LedgerWitness.Offer offer = new CheckpointServing(ledger).offer("client-000", witness.size()).orElseThrow();
      assertThatThrownBy(() -> witness.witness(offer)).isInstanceOf(LedgerWitness.Inconsistent.class)
          .hasMessage("the checkpoint of 5 entries is not consistent with the checkpoint of 4 entries this node"
              + " cosigned: earlier entries were changed");
      assertThat(witness.size()).isEqualTo(4);
    }
  }

  @Test
  void aCosignatureByAnotherNodesKeyOrOfNoCheckpointIsRejected() throws Exception {
    Path copy = dir.resolve("cosign");
    copyTree(run, copy);
    try (RunLedger ledger = RunLedger.open(copy, "simulation")) {
      CheckpointServing serving = new CheckpointServing(ledger);
      NodeWitness fresh = NodeWitness.open("client-000", Optional.empty());
      LedgerWitness.Cosignature c = fresh.witness(serving.offer("client-000", 0).orElseThrow());
      assertThatThrownBy(() -> serving.cosign("client-001", c))
          .hasMessageContaining("node 'client-001' cannot cosign with a key named for another");
      assertThatThrownBy(() -> serving.cosign("client-000", new LedgerWitness.Cosignature(9, c.cosignerKey(),
          c.signatureLine()))).hasMessage("there is no checkpoint of 9 entries");
      assertThatThrownBy(() -> serving.cosign("client-000", new LedgerWitness.Cosignature(3, c.cosignerKey(),
          c.signatureLine()))).hasMessageContaining("the cosignature does not verify");
      serving.cosign("client-000", c);
    }
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
