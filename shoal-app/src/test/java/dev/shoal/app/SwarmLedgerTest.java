package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.ledger.Checkpoint;
import dev.shoal.ledger.Cosigner;
import dev.shoal.ledger.QuorumCheckpoint;
import dev.shoal.ledger.SwarmRound;
import dev.shoal.peer.Decision;
import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer keeps a decided round in three writes: the model blob, the checkpoint's note, the ledger
 * entry. A crash after any of them leaves a ledger that opens at the round before, verifies, and
 * takes the same decision again.
 */
class SwarmLedgerTest {

  @TempDir Path dir;

  private final Cosigner p1 = Cosigner.generate("p1");
  private final Cosigner p2 = Cosigner.generate("p2");
  private final Cosigner p3 = Cosigner.generate("p3");
  private final Map<String, String> members = new TreeMap<>(Map.of(
      "p1", p1.verifierKey(), "p2", p2.verifierKey(), "p3", p3.verifierKey()));
  private final ParameterSet model0 = model(0);
  private final ParameterSet model1 = model(1);
  private BlobStore blobs;
  private Path ledgerDir;
  private Decision genesis;
  private SwarmRound round1;

  private static ParameterSet model(float v) {
    return new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[] {v, v})));
  }

  /** The decision of {@code entry} on {@code ledger}, cosigned by p1 and p3 (a quorum of 2 of 3). */
  private Decision decide(SwarmLedger ledger, SwarmRound entry) {
    byte[] json = entry.toJson();
    Checkpoint checkpoint = ledger.checkpointWith(json);
    return new Decision(entry.round(), json, QuorumCheckpoint.note(checkpoint,
        List.of(QuorumCheckpoint.cosign(p1, checkpoint, 100), QuorumCheckpoint.cosign(p3, checkpoint, 100))));
  }

  @BeforeEach
  void decideTheGenesis() throws Exception {
    blobs = BlobStore.open(dir.resolve("blobs"));
    ledgerDir = dir.resolve("ledger");
    String id0 = ContentId.of(model0).value();
    String id1 = ContentId.of(model1).value();
    try (SwarmLedger ledger = SwarmLedger.open(ledgerDir, "swarm-1", blobs)) {
      SwarmRound entry = new SwarmRound("swarm-1", 0, id0, id0, List.of(), Map.of(), Map.of(), members);
      genesis = decide(ledger, entry);
      ledger.record(genesis, ledger.check(genesis, 3), model0);
    }
    round1 = new SwarmRound("swarm-1", 1, id0, id1, List.of("p1"), Map.of("p1", id1), Map.of("p1", 10.0), members);
  }

  /** Opens the ledger again, as a restarted peer does, and checks it is at the genesis and whole. */
  private SwarmLedger reopenedAtTheGenesis() throws Exception {
    SwarmLedger ledger = SwarmLedger.open(ledgerDir, "swarm-1", blobs);
    assertThat(ledger.decided()).isZero();
    assertThat(ContentId.of(ledger.model())).isEqualTo(ContentId.of(model0));
    assertThat(ledger.note()).hasValue(genesis.note());
    assertThat(SwarmLedger.verify(ledgerDir).entries()).isEqualTo(1);
    return ledger;
  }

  /** Takes round 1's decision again and checks the ledger then holds it. */
  private void decidesRoundOneAgain(SwarmLedger ledger) throws Exception {
    Decision d = decide(ledger, round1);
    ledger.record(d, ledger.check(d, 3), model1);
    ledger.close();
    try (SwarmLedger again = SwarmLedger.open(ledgerDir, "swarm-1", blobs)) {
      assertThat(again.decided()).isEqualTo(1);
      assertThat(ContentId.of(again.model())).isEqualTo(ContentId.of(model1));
      assertThat(again.decisions(0, 10)).extracting(Decision::note).containsExactly(genesis.note(), d.note());
    }
    assertThat(SwarmLedger.verify(ledgerDir).entries()).isEqualTo(2);
  }

  @Test
  void aCrashAfterTheModelBlobLeavesTheRoundUndecided() throws Exception {
    blobs.putModel(model1);
    decidesRoundOneAgain(reopenedAtTheGenesis());
  }

  @Test
  void aCrashAfterTheNoteLeavesTheRoundUndecidedAndItsNoteIsWrittenAgain() throws Exception {
    blobs.putModel(model1);
    // the note of another quorum for the same entry (p2 and p3): the decision taken later has p1 and p3
    Checkpoint checkpoint;
    try (SwarmLedger ledger = SwarmLedger.open(ledgerDir, "swarm-1", blobs)) {
      checkpoint = ledger.checkpointWith(round1.toJson());
    }
    Files.writeString(ledgerDir.resolve("checkpoints/2.note"), QuorumCheckpoint.note(checkpoint,
        List.of(QuorumCheckpoint.cosign(p2, checkpoint, 99), QuorumCheckpoint.cosign(p3, checkpoint, 99))),
        StandardCharsets.UTF_8);
    decidesRoundOneAgain(reopenedAtTheGenesis());
  }

  @Test
  void aPeerStartingAgainKeepsOnlyTheBlobsItsDecidedEntriesName() throws Exception {
    // before a crash: an update fetched for round 1 and left out of its decision, and one fetched for round 2
    ContentId leftOut = blobs.putModel(model(7));
    ContentId nextRound = blobs.putModel(model(8));
    try (SwarmLedger ledger = SwarmLedger.open(ledgerDir, "swarm-1", blobs)) {
      Decision d = decide(ledger, round1);
      ledger.record(d, ledger.check(d, 3), model1);
    }
    try (SwarmLedger ledger = SwarmLedger.open(ledgerDir, "swarm-1", blobs)) {
      assertThat(ledger.removeUnreferencedBlobs().blobs()).isEqualTo(2);
      assertThat(blobs.contains(leftOut)).isFalse();
      assertThat(blobs.contains(nextRound)).isFalse();
      // the genesis model, round 1's model and p1's update (the same blob here) stay
      assertThat(blobs.contains(ContentId.of(model0))).isTrue();
      assertThat(blobs.contains(new ContentId(round1.updateCommitments().get("p1")))).isTrue();
      assertThat(ContentId.of(ledger.model())).isEqualTo(ContentId.of(model1));
    }
  }

  @Test
  void aModelThatIsNotTheEntrysIsRefusedBeforeAnythingIsWritten() throws Exception {
    try (SwarmLedger ledger = SwarmLedger.open(ledgerDir, "swarm-1", blobs)) {
      Decision d = decide(ledger, round1);
      assertThatThrownBy(() -> ledger.record(d, ledger.check(d, 3), model(2)))
          .hasMessageContaining("the model of round 1 is").hasMessageContaining("and the entry names " + round1.modelId());
    }
    assertThat(Files.exists(ledgerDir.resolve("checkpoints/2.note"))).isFalse();
    reopenedAtTheGenesis().close();
  }
}
