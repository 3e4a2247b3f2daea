package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Signed notes, with known answers from the Go implementation of the format
 * (golang.org/x/mod/sumdb/note, note_test.go: TestNewVerifier, TestSign, TestOpen).
 */
class SignedNoteTest {

  static final String PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  static final String PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  static final String ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
  static final String TEXT = "If you think cryptography is the answer to your problem,\n"
      + "then you don't know what your problem is.\n";
  static final String PETER_SIG =
      "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
  static final String ENOCH_SIG =
      "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

  @Test
  void parsesTheGoExampleVerifierKey() {
    NoteVerifier peter = NoteVerifier.parse(PETER_VKEY);
    assertThat(peter).isInstanceOf(Ed25519NoteVerifier.class);
    assertThat(peter.name()).isEqualTo("PeterNeumann");
    assertThat(peter.keyHash()).isEqualTo(0xc74f20a3);
    assertThat(peter.verifierKey()).isEqualTo(PETER_VKEY);
  }

  @Test
  void refusesEveryManglingOfAVerifierKey() {
    for (int i = 0; i <= PETER_VKEY.length(); i++) {
      for (int j = i + 1; j <= PETER_VKEY.length(); j++) {
        if (i != 0 || j != PETER_VKEY.length()) {
          String bad = PETER_VKEY.substring(i, j);
          assertThatThrownBy(() -> NoteVerifier.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
      }
    }
    char[] chars = PETER_VKEY.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      chars[i]++;
      String bad = new String(chars);
      assertThatThrownBy(() -> NoteVerifier.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
      chars[i]--;
    }
    // Wrong key length and unknown algorithm, each with a key hash adjusted to match.
    assertThatThrownBy(() -> NoteVerifier.parse(
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("verifier key");
    assertThatThrownBy(() -> NoteVerifier.parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWAA=="))
        .hasMessageContaining("33 bytes");
    assertThatThrownBy(() -> NoteVerifier.parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
        .hasMessageContaining("not supported");
    assertThatThrownBy(() -> NoteVerifier.parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
        .hasMessageContaining("does not match");
  }

  @Test
  void signsExactlyLikeTheGoImplementation() {
    NoteSigner peter = NoteSigner.fromSignerKey(PETER_SKEY);
    assertThat(peter.keyHash()).isEqualTo(0xc74f20a3);
    assertThat(peter.verifierKey()).isEqualTo(PETER_VKEY);
    assertThat(peter.signerKey()).isEqualTo(PETER_SKEY);
    assertThat(SignedNote.sign(TEXT, peter).encode()).isEqualTo(TEXT + "\n" + PETER_SIG);
  }

  @Test
  void refusesManglingsOfASignerKey() {
    char[] chars = PETER_SKEY.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      chars[i]++;
      String bad = new String(chars);
      assertThatThrownBy(() -> NoteSigner.fromSignerKey(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
      chars[i]--;
    }
  }

  @Test
  void verifiesKnownSignaturesAndSetsUnknownOnesAside() throws Exception {
    NoteVerifier peter = NoteVerifier.parse(PETER_VKEY);
    NoteVerifier enoch = NoteVerifier.parse(ENOCH_VKEY);
    SignedNote note = SignedNote.parse(TEXT + "\n" + PETER_SIG + ENOCH_SIG);
    assertThat(note.text()).isEqualTo(TEXT);
    assertThat(note.encode()).isEqualTo(TEXT + "\n" + PETER_SIG + ENOCH_SIG);

    VerifiedNote onlyPeter = note.verify(List.of(peter));
    assertThat(onlyPeter.text()).isEqualTo(TEXT);
    assertThat(onlyPeter.verified()).extracting(NoteSignature::keyId).containsExactly("PeterNeumann+c74f20a3");
    assertThat(onlyPeter.unverified()).extracting(NoteSignature::keyId).containsExactly("EnochRoot+af0cfe78");
    assertThat(onlyPeter.signedBy(peter)).isTrue();
    assertThat(onlyPeter.signedBy(enoch)).isFalse();

    VerifiedNote both = note.verify(List.of(peter, enoch));
    assertThat(both.verified()).hasSize(2);
    assertThat(both.unverified()).isEmpty();
    assertThat(both.cosignatures()).isEmpty();
  }

  @Test
  void aNoteWithNoTrustedSignatureIsRefused() {
    SignedNote note = SignedNote.parse(TEXT + "\n" + PETER_SIG + ENOCH_SIG);
    assertThatThrownBy(() -> note.verify(List.of()))
        .isInstanceOf(NoteVerificationException.class)
        .hasMessageContaining("no verifiable signatures")
        .hasMessageContaining("PeterNeumann+c74f20a3");
    NoteVerifier stranger = NoteSigner.generate("PeterNeumann").verifier();
    assertThatThrownBy(() -> note.verify(List.of(stranger)))
        .isInstanceOf(NoteVerificationException.class)
        .hasMessageContaining("no verifiable signatures");
  }

  @Test
  void anInvalidSignatureByATrustedKeyIsRefused() {
    NoteVerifier peter = NoteVerifier.parse(PETER_VKEY);
    String corrupted = PETER_SIG.substring(0, 60) + "ABCD" + PETER_SIG.substring(60);
    assertThatThrownBy(() -> SignedNote.parse(TEXT + "\n" + corrupted).verify(List.of(peter)))
        .isInstanceOf(NoteVerificationException.class)
        .hasMessageContaining("invalid signature for key PeterNeumann+c74f20a3");
  }

  @Test
  void tamperedTextIsRefused() {
    NoteVerifier peter = NoteVerifier.parse(PETER_VKEY);
    String tampered = TEXT.replace("answer", "Answer");
    assertThatThrownBy(() -> SignedNote.parse(tampered + "\n" + PETER_SIG).verify(List.of(peter)))
        .isInstanceOf(NoteVerificationException.class)
        .hasMessageContaining("invalid signature");
  }

  @Test
  void theSameTrustedKeyListedTwiceCountsOnce() throws Exception {
    NoteVerifier enoch = NoteVerifier.parse(ENOCH_VKEY);
    NoteVerifier peter = NoteVerifier.parse(PETER_VKEY);
    VerifiedNote note = SignedNote.parse(TEXT + "\n" + ENOCH_SIG + ENOCH_SIG).verify(List.of(enoch, peter, enoch));
    assertThat(note.verified()).extracting(NoteSignature::keyId).containsExactly("EnochRoot+af0cfe78");
  }

  @Test
  void malformedNotesAreRefused() {
    List<String> bad = List.of(
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG.substring(0, PETER_SIG.length() - 1),
        "\u0001" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG.repeat(101));
    for (String msg : bad) {
      assertThatThrownBy(() -> SignedNote.parse(msg)).as(msg).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("malformed note");
    }
  }

  @Test
  void aNewSignatureByTheSameKeyReplacesTheOld() {
    NoteSigner signer = NoteSigner.generate("shoal.example/log");
    SignedNote note = SignedNote.sign(TEXT, signer);
    SignedNote again = note.withSignature(signer.sign(TEXT));
    assertThat(again.signatures()).hasSize(1);
    NoteSigner other = NoteSigner.generate("other.example/log");
    assertThat(note.withSignature(other.sign(TEXT)).signatures()).hasSize(2);
  }

  @Test
  void generatedKeysRoundTripThroughTheirStrings() throws Exception {
    NoteSigner signer = NoteSigner.generate("shoal.example/log");
    NoteSigner restored = NoteSigner.fromSignerKey(signer.signerKey());
    NoteVerifier verifier = NoteVerifier.parse(signer.verifierKey());
    assertThat(restored.verifierKey()).isEqualTo(signer.verifierKey());
    SignedNote note = SignedNote.parse(SignedNote.sign(TEXT, restored).encode());
    assertThat(note.verify(List.of(verifier)).verified()).hasSize(1);
  }
}
