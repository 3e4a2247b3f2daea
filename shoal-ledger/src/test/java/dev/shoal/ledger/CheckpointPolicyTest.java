package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointPolicyTest {

  private static final String ORIGIN = Checkpoint.originFor("mnist-7");

  private final NoteSigner log = NoteSigner.generate("coordinator.example/mnist-7");
  private final Cosigner w1 = Cosigner.generate("w1.example");
  private final Cosigner w2 = Cosigner.generate("w2.example");
  private final Cosigner w3 = Cosigner.generate("w3.example");
  private Checkpoint checkpoint;

  @BeforeEach
  void ledger(@TempDir Path dir) throws Exception {
    try (LedgerLog ledger = LedgerLog.open(dir)) {
      ledger.append(LedgerEntryTest.STARTED.toJson());
      ledger.append(LedgerEntryTest.ROUND.toJson());
      checkpoint = ledger.checkpoint(ORIGIN);
    }
  }

  private CheckpointPolicy policy(int quorum) {
    return new CheckpointPolicy(ORIGIN, log.verifier(),
        List.of(w1.verifier(), w2.verifier(), w3.verifier()), quorum);
  }

  @Test
  void aCheckpointSignedByTheLogAndAQuorumIsTrusted() throws Exception {
    SignedNote note = checkpoint.sign(log)
        .withSignature(w1.cosign(checkpoint.body(), 10))
        .withSignature(w3.cosign(checkpoint.body(), 30));
    VerifiedCheckpoint v = policy(2).verify(note.encode());
    assertThat(v.checkpoint()).isEqualTo(checkpoint);
    assertThat(v.checkpoint().size()).isEqualTo(2);
    assertThat(v.cosignatures()).extracting(Cosignature::name).containsExactly("w1.example", "w3.example");
  }

  @Test
  void tooFewCosignaturesAreRefused() {
    SignedNote note = checkpoint.sign(log).withSignature(w1.cosign(checkpoint.body(), 10));
    assertThatThrownBy(() -> policy(2).verify(note.encode()))
        .isInstanceOf(NoteVerificationException.class).hasMessageContaining("1 trusted witnesses cosigned it")
        .hasMessageContaining("requires 2");
  }

  @Test
  void oneWitnessCountsOnceWhateverItsNumberOfCosignatures() {
    SignedNote note = new SignedNote(checkpoint.body(), List.of(log.sign(checkpoint.body()),
        w1.cosign(checkpoint.body(), 10), w1.cosign(checkpoint.body(), 11)));
    assertThatThrownBy(() -> policy(2).verify(note.encode()))
        .isInstanceOf(NoteVerificationException.class).hasMessageContaining("1 trusted witnesses cosigned it");
  }

  @Test
  void aNoteWithoutTheLogSignatureIsRefused() {
    SignedNote onlyWitnesses = new SignedNote(checkpoint.body(),
        List.of(w1.cosign(checkpoint.body(), 1), w2.cosign(checkpoint.body(), 2)));
    assertThatThrownBy(() -> policy(2).verify(onlyWitnesses.encode()))
        .isInstanceOf(NoteVerificationException.class).hasMessageContaining("not signed by the log key");
  }

  @Test
  void anotherRunsCheckpointIsRefused() {
    Checkpoint other = new Checkpoint(Checkpoint.originFor("cifar-1"), checkpoint.size(), checkpoint.root());
    assertThatThrownBy(() -> CheckpointPolicy.logOnly(ORIGIN, log.verifier())
        .verify(other.sign(log).encode()))
        .isInstanceOf(NoteVerificationException.class).hasMessageContaining("origin is \"shoal/cifar-1\"");
  }

  @Test
  void aTamperedSizeIsRefused() {
    String forged = checkpoint.sign(log).encode().replaceFirst("\n2\n", "\n3\n");
    assertThatThrownBy(() -> CheckpointPolicy.logOnly(ORIGIN, log.verifier()).verify(forged))
        .isInstanceOf(NoteVerificationException.class).hasMessageContaining("invalid signature");
  }

  @Test
  void garbageIsRefusedAsAVerificationFailure() {
    assertThatThrownBy(() -> policy(0).verify("hello"))
        .isInstanceOf(NoteVerificationException.class).hasMessageContaining("checkpoint refused: malformed note");
  }

  @Test
  void aPolicyReadsPublishedKeyStrings() throws Exception {
    CheckpointPolicy fromStrings = CheckpointPolicy.of(ORIGIN, log.verifierKey(),
        List.of(w1.verifierKey(), w2.verifierKey()), 1);
    assertThat(fromStrings.verify(checkpoint.sign(log).withSignature(w2.cosign(checkpoint.body(), 7)).encode())
        .cosignatures()).extracting(Cosignature::timestamp).containsExactly(7L);
    assertThatThrownBy(() -> CheckpointPolicy.of(ORIGIN, w1.verifierKey(), List.of(), 0))
        .hasMessageContaining("is a cosigner key");
    assertThatThrownBy(() -> CheckpointPolicy.of(ORIGIN, log.verifierKey(), List.of(log.verifierKey()), 0))
        .hasMessageContaining("is a note key");
  }

  @Test
  void theQuorumMustBeReachable() {
    assertThatThrownBy(() -> policy(4)).hasMessageContaining("allowed 0..3");
  }
}
