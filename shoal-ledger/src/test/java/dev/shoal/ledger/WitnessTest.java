package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WitnessTest {

  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  /** A log kept in memory, as a coordinator would serve it. */
  static final class Log {
    final NoteSigner signer = NoteSigner.generate("shoal/test-run");
    final List<byte[]> entries = new ArrayList<>();

    void add(String... participants) {
      entries.add(("{\"participants\":[\"" + String.join("\",\"", participants) + "\"],\"round\":" + entries.size()
          + ",\"type\":\"round_completed\"}").getBytes(StandardCharsets.UTF_8));
    }

    List<byte[]> leaves() {
      return entries.stream().map(MerkleTree::leafHash).toList();
    }

    String note() {
      return new Checkpoint("shoal/test-run", entries.size(), MerkleTree.root(leaves())).sign(signer).encode();
    }

    List<byte[]> consistency(long from) {
      return from == 0 || from >= entries.size() ? List.of() : MerkleTree.consistencyProof(leaves(), from, entries.size());
    }

    List<Witness.Included> own(String node, long from) {
      List<Witness.Included> out = new ArrayList<>();
      for (int i = (int) Math.min(from, entries.size()); i < entries.size(); i++) {
        if (new String(entries.get(i), StandardCharsets.UTF_8).contains("\"" + node + "\"")) {
          out.add(new Witness.Included(i, entries.get(i), MerkleTree.inclusionProof(leaves(), i, entries.size())));
        }
      }
      return out;
    }

    Witness.Cosigned offerTo(Witness w, String node) throws InconsistentLogException {
      return w.witness(signer.verifierKey(), note(), consistency(w.size()), own(node, w.size()), NOW);
    }
  }

  final Log log = new Log();
  final Cosigner key = Cosigner.generate("n1");
  final Witness witness = new Witness("n1", key, Optional.empty(), Optional.empty());

  @Test
  void aGrowingLogIsCosignedAtEverySize() throws Exception {
    for (int round = 0; round < 5; round++) {
      log.add("n1", "n2");
      log.add("n2");
      Witness.Cosigned c = log.offerTo(witness, "n1");
      assertThat(c.checkpoint().size()).isEqualTo(log.entries.size());
      // the cosigned note verifies with the node as a trusted witness
      CheckpointPolicy policy = CheckpointPolicy.of("shoal/test-run", log.signer.verifierKey(),
          List.of(key.verifierKey()), 1);
      assertThat(policy.verify(c.note()).cosignatures()).hasSize(1);
    }
    assertThat(witness.size()).isEqualTo(10);
  }

  @Test
  void aKeptCheckpointSurvivesARestart() throws Exception {
    log.add("n1");
    String note = log.offerTo(witness, "n1").note();
    Witness again = new Witness("n1", Cosigner.fromSignerKey(key.signerKey()), witness.logKey(), Optional.of(note));
    assertThat(again.size()).isEqualTo(1);
    log.add("n1");
    assertThat(log.offerTo(again, "n1").checkpoint().size()).isEqualTo(2);
  }

  @Test
  void aTruncatedLogIsRefused() throws Exception {
    log.add("n1");
    log.add("n1");
    log.add("n2");
    log.offerTo(witness, "n1");
    log.entries.remove(2);
    assertThatThrownBy(() -> log.offerTo(witness, "n1")).isInstanceOf(InconsistentLogException.class)
        .hasMessageContaining("the log shrank: this node cosigned a checkpoint of 3 entries, and now the log has 2");
  }

  @Test
  void aRewrittenEarlierEntryIsRefused() throws Exception {
    log.add("n1");
    log.add("n2");
    log.offerTo(witness, "n1");
    log.entries.set(0, "{\"participants\":[\"n9\"]}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> log.offerTo(witness, "n1")).hasMessageContaining("two different roots for a tree of 2");
    log.add("n1");
    assertThatThrownBy(() -> log.offerTo(witness, "n1"))
        .hasMessageContaining("not consistent with the checkpoint of 2 entries this node cosigned");
    assertThat(witness.size()).isEqualTo(2);
  }

  @Test
  void anotherLogKeyIsRefused() throws Exception {
    log.add("n1");
    log.offerTo(witness, "n1");
    Log impostor = new Log();
    impostor.add("n1");
    impostor.add("n1");
    assertThatThrownBy(() -> impostor.offerTo(witness, "n1")).hasMessageContaining("the log's key changed");
  }

  @Test
  void aForgedSignatureOrProofIsRefused() throws Exception {
    log.add("n1");
    String forged = log.note().replace("\n1\n", "\n2\n");
    assertThatThrownBy(() -> witness.witness(log.signer.verifierKey(), forged, List.of(), List.of(), NOW))
        .hasMessageContaining("the checkpoint does not verify");
    Witness.Included wrong = new Witness.Included(0, "{\"participants\":[\"n1\"],\"x\":1}".getBytes(StandardCharsets.UTF_8),
        List.of());
    assertThatThrownBy(() -> witness.witness(log.signer.verifierKey(), log.note(), List.of(), List.of(wrong), NOW))
        .hasMessageContaining("entry 0 is not in the checkpoint of 1 entries");
  }

  @Test
  void anEntryThatRecordsAnotherUpdateThanTheNodeSentIsRefused() throws Exception {
    log.entries.add(("{\"participants\":[\"n1\"],\"round\":1,\"type\":\"round_completed\","
        + "\"updateCommitments\":{\"n1\":\"sha256:aa\"}}").getBytes(StandardCharsets.UTF_8));
    witness.sent(1, "sha256:bb");
    assertThatThrownBy(() -> log.offerTo(witness, "n1"))
        .hasMessage("entry 0 records update sha256:aa for this node in round 1, but it sent sha256:bb");
    witness.sent(1, "sha256:aa");
    assertThat(log.offerTo(witness, "n1").checkpoint().size()).isEqualTo(1);
  }

  @Test
  void anEntryThatDoesNotNameTheNodeIsRefused() throws Exception {
    log.add("n2");
    List<Witness.Included> notMine = log.own("n2", 0);
    assertThatThrownBy(() -> witness.witness(log.signer.verifierKey(), log.note(), List.of(), notMine, NOW))
        .hasMessageContaining("does not name n1 as a participant");
    assertThat(witness.size()).isZero();
  }
}
