package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class QuorumCheckpointTest {

  private static final String MODEL = "sha256:" + "ab".repeat(32);

  private final Cosigner p1 = Cosigner.generate("p1");
  private final Cosigner p2 = Cosigner.generate("p2");
  private final Cosigner p3 = Cosigner.generate("p3");
  private final Map<String, String> members = new TreeMap<>(Map.of(
      "p1", p1.verifierKey(), "p2", p2.verifierKey(), "p3", p3.verifierKey()));
  private final Checkpoint checkpoint = new Checkpoint("shoal/swarm-1", 4,
      MerkleTree.root(List.of(MerkleTree.leafHash("x".getBytes(StandardCharsets.UTF_8)))));

  @Test
  void aMajorityOfMembersFinalisesACheckpoint() {
    String note = QuorumCheckpoint.note(checkpoint, List.of(
        QuorumCheckpoint.cosign(p1, checkpoint, 100), QuorumCheckpoint.cosign(p3, checkpoint, 101)));
    assertThatCode(() -> QuorumCheckpoint.verify(note, checkpoint, members, 2)).doesNotThrowAnyException();
    assertThatThrownBy(() -> QuorumCheckpoint.verify(note, checkpoint, members, 3))
        .hasMessageContaining("cosigned by 2 member(s) [p1, p3], and a quorum is 3 of 3");
  }

  @Test
  void cosignaturesOfOutsidersOrOfAnotherCheckpointDoNotCount() {
    Cosigner outsider = Cosigner.generate("p4");
    Checkpoint other = new Checkpoint("shoal/swarm-1", 5, checkpoint.root());
    String lineOverOther = QuorumCheckpoint.cosign(p2, other, 100);
    String note = QuorumCheckpoint.note(checkpoint, List.of(QuorumCheckpoint.cosign(p1, checkpoint, 100),
        QuorumCheckpoint.cosign(outsider, checkpoint, 100), lineOverOther));
    assertThatThrownBy(() -> QuorumCheckpoint.verify(note, checkpoint, members, 2))
        .hasMessageContaining("cosigned by 1 member(s) [p1]")
        .hasMessageContaining("'p4' is not a member")
        .hasMessageContaining("the cosignature by 'p2' does not verify");
    assertThatThrownBy(() -> QuorumCheckpoint.verify(note, other, members, 1))
        .hasMessageContaining("not this ledger's");
  }

  @Test
  void aCosignatureMustComeFromThePeerThatSentIt() {
    String line = QuorumCheckpoint.cosign(p2, checkpoint, 100);
    assertThat(QuorumCheckpoint.check(line, "p2", checkpoint, members).name()).isEqualTo("p2");
    assertThatThrownBy(() -> QuorumCheckpoint.check(line, "p1", checkpoint, members))
        .hasMessageContaining("by 'p2', not by the peer that sent it, 'p1'");
    Cosigner impostor = Cosigner.generate("p2");
    assertThatThrownBy(() -> QuorumCheckpoint.check(QuorumCheckpoint.cosign(impostor, checkpoint, 100), "p2",
        checkpoint, members)).hasMessageContaining("does not verify with its member key");
  }

  @Test
  void aSwarmRoundReadsBackAndCountsItsQuorum() {
    var round = new SwarmRound("swarm-1", 3, MODEL, MODEL, List.of("p1", "p3"),
        Map.of("p1", MODEL, "p3", MODEL), Map.of("p1", 600.0, "p3", 400.0), members);
    assertThat(LedgerEntry.parse(round.toJson())).isEqualTo(round);
    assertThat(round.quorum()).isEqualTo(2);
    assertThatThrownBy(() -> new SwarmRound("swarm-1", 3, MODEL, MODEL, List.of("p1"), Map.of("p1", MODEL),
        Map.of("p1", 2.5), members)).hasMessageContaining("positive whole number");
    assertThatThrownBy(() -> new SwarmRound("swarm-1", 3, MODEL, MODEL, List.of("p1"), Map.of(),
        Map.of("p1", 2.0), members)).hasMessageContaining("exactly the participants");
  }
}
