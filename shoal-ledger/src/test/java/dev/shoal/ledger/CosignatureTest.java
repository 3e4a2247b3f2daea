package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** C2SP tlog-cosignature v1 (Ed25519) cosignatures. */
class CosignatureTest {

  private static final Checkpoint CHECKPOINT = new Checkpoint("shoal/run-9", 12, MerkleTree.leafHash(new byte[] {9}));

  @Test
  void parsesTheTimestampOfTheSpecExampleCosignature() {
    // The witness line of the C2SP tlog-cosignature example; its message has "time 1679315147".
    String note = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
        + "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZ"
        + "qhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
    NoteSignature sig = SignedNote.parse(note).signatures().get(0);
    assertThat(sig.name()).isEqualTo("witness.example.com/w1");
    assertThat(sig.keyHash()).isEqualTo(0x8d66cf3f);
    assertThat(CosignatureVerifier.timestamp(sig.signature())).isEqualTo(1679315147L);
  }

  @Test
  void keyHashUsesTypeByte0x04() throws Exception {
    Cosigner witness = Cosigner.generate("witness.example/w1");
    String vkey = witness.verifierKey();
    byte[] key = Base64.getDecoder().decode(vkey.split("\\+", 3)[2]);
    assertThat(key[0]).isEqualTo((byte) 0x04);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update("witness.example/w1\n".getBytes(StandardCharsets.UTF_8));
    sha.update(key);
    assertThat(witness.keyHash()).isEqualTo(ByteBuffer.wrap(sha.digest()).getInt());
    assertThat(vkey).startsWith("witness.example/w1+" + HexFormat.of().toHexDigits(witness.keyHash()) + "+");
    assertThat(NoteVerifier.parse(vkey)).isInstanceOf(CosignatureVerifier.class).isEqualTo(witness.verifier());
  }

  @Test
  void aCosignatureSignsTheHeaderTimeLineAndCheckpoint() throws Exception {
    Cosigner witness = Cosigner.generate("witness.example/w1");
    NoteSignature sig = witness.cosign(CHECKPOINT, Instant.ofEpochSecond(1_700_000_123L, 999_000_000));
    byte[] bytes = sig.signature();
    assertThat(bytes).hasSize(72);
    assertThat(CosignatureVerifier.timestamp(bytes)).isEqualTo(1_700_000_123L);
    byte[] ed = Arrays.copyOfRange(bytes, 8, 72);
    Signature v = Signature.getInstance("Ed25519");
    v.initVerify(witness.verifier().publicKey());
    v.update(("cosignature/v1\ntime 1700000123\n" + CHECKPOINT.body()).getBytes(StandardCharsets.UTF_8));
    assertThat(v.verify(ed)).isTrue();
  }

  @Test
  void cosignaturesVerifyAndReportTheirTime() throws Exception {
    NoteSigner log = NoteSigner.generate("shoal.example/log");
    Cosigner w1 = Cosigner.generate("w1.example");
    Cosigner w2 = Cosigner.generate("w2.example");
    SignedNote note = CHECKPOINT.sign(log)
        .withSignature(w1.cosign(CHECKPOINT.body(), 100))
        .withSignature(w2.cosign(CHECKPOINT.body(), 200));
    VerifiedNote v = SignedNote.parse(note.encode()).verify(List.of(log.verifier(), w1.verifier(), w2.verifier()));
    assertThat(v.cosignatures()).containsExactly(
        new Cosignature("w1.example", w1.keyHash(), 100), new Cosignature("w2.example", w2.keyHash(), 200));
    VerifiedNote onlyWitness = SignedNote.parse(note.encode()).verify(List.of(w2.verifier()));
    assertThat(onlyWitness.verified()).hasSize(1);
    assertThat(onlyWitness.unverified()).hasSize(2);
  }

  @Test
  void aTamperedCheckpointOrTimestampIsRefused() {
    Cosigner witness = Cosigner.generate("w1.example");
    NoteSignature sig = witness.cosign(CHECKPOINT.body(), 100);
    Checkpoint bigger = new Checkpoint(CHECKPOINT.origin(), 13, CHECKPOINT.root());
    assertThatThrownBy(() -> new SignedNote(bigger.body(), List.of(sig)).verify(List.of(witness.verifier())))
        .isInstanceOf(NoteVerificationException.class).hasMessageContaining("invalid signature for key w1.example+");
    byte[] moved = sig.signature();
    moved[7] ^= 1;
    NoteSignature otherTime = new NoteSignature(sig.name(), sig.keyHash(), moved);
    assertThatThrownBy(() -> new SignedNote(CHECKPOINT.body(), List.of(otherTime)).verify(List.of(witness.verifier())))
        .isInstanceOf(NoteVerificationException.class).hasMessageContaining("invalid signature");
  }

  @Test
  void aCosignatureIsNotANoteSignatureOfTheSameKey() {
    // The type byte separates the two uses of one Ed25519 key: the key hashes differ.
    KeyPair pair = Ed25519.generate();
    NoteSigner asLog = NoteSigner.of("same.example", pair);
    Cosigner asWitness = Cosigner.of("same.example", pair);
    assertThat(asLog.keyHash()).isNotEqualTo(asWitness.keyHash());
    NoteSignature cosig = asWitness.cosign(CHECKPOINT.body(), 5);
    assertThatThrownBy(() -> new SignedNote(CHECKPOINT.body(), List.of(cosig)).verify(List.of(asLog.verifier())))
        .isInstanceOf(NoteVerificationException.class).hasMessageContaining("no verifiable signatures");
  }

  @Test
  void aWrongKeyIsRefused() {
    Cosigner witness = Cosigner.generate("w1.example");
    Cosigner impostor = Cosigner.generate("w1.example");
    NoteSignature sig = impostor.cosign(CHECKPOINT.body(), 100);
    assertThatThrownBy(() -> new SignedNote(CHECKPOINT.body(), List.of(sig)).verify(List.of(witness.verifier())))
        .isInstanceOf(NoteVerificationException.class).hasMessageContaining("no verifiable signatures");
  }

  @Test
  void onlyCheckpointsAreCosigned() {
    Cosigner witness = Cosigner.generate("w1.example");
    assertThatThrownBy(() -> witness.cosign("hello\n", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checkpoint has 1 lines");
    assertThatThrownBy(() -> witness.cosign(CHECKPOINT.body(), -1)).hasMessageContaining("negative");
  }
}
