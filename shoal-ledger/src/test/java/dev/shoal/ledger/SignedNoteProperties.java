package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class SignedNoteProperties {

  private static final NoteSigner LOG = NoteSigner.generate("shoal.example/log");
  private static final Cosigner WITNESS = Cosigner.generate("w.example");

  @Tag("slow")
  @Property(tries = 200)
  void anyNoteRoundTripsAndAnyChangedCharacterIsRefused(
      @ForAll @StringLength(min = 1, max = 80) @CharRange(from = ' ', to = '~') @CharRange(from = '\u00a0', to = '\u00ff')
          String line,
      @ForAll @IntRange(min = 0, max = 1000) int at) throws Exception {
    String text = line + "\n";
    String encoded = SignedNote.sign(text, LOG).encode();
    assertThat(SignedNote.parse(encoded).verify(List.of(LOG.verifier())).text()).isEqualTo(text);

    int i = at % line.length();
    char changed = line.charAt(i) == 'x' ? 'y' : 'x';
    String tampered = line.substring(0, i) + changed + line.substring(i + 1) + "\n" + encoded.substring(text.length());
    assertThatThrownBy(() -> SignedNote.parse(tampered).verify(List.of(LOG.verifier())))
        .isInstanceOf(NoteVerificationException.class).hasMessageContaining("invalid signature");
  }

  @Property(tries = 100)
  void anyCosignedCheckpointVerifiesWithItsTime(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int size,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int time) throws Exception {
    Checkpoint cp = new Checkpoint("shoal/r", size, MerkleTree.leafHash(new byte[] {(byte) size}));
    SignedNote note = cp.sign(LOG).withSignature(WITNESS.cosign(cp.body(), time));
    VerifiedNote v = SignedNote.parse(note.encode()).verify(List.of(LOG.verifier(), WITNESS.verifier()));
    assertThat(v.cosignatures()).containsExactly(new Cosignature("w.example", WITNESS.keyHash(), time));
    assertThat(Checkpoint.parse(v.text())).isEqualTo(cp);
  }
}
