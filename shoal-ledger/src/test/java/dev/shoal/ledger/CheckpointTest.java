package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  private static final byte[] ROOT = HexFormat.of().parseHex(
      "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62");

  @Test
  void bodyIsOriginSizeAndBase64RootOnePerLine() {
    Checkpoint cp = new Checkpoint("example.com/behind-the-sofa", 20852163, ROOT);
    // The checkpoint of the C2SP tlog-checkpoint and tlog-cosignature examples.
    assertThat(cp.body()).isEqualTo("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
    assertThat(Checkpoint.parse(cp.body())).isEqualTo(cp);
  }

  @Test
  void originConventionNamesTheRun() {
    assertThat(Checkpoint.originFor("mnist-7")).isEqualTo("shoal/mnist-7");
  }

  @Test
  void malformedCheckpointsAreRefusedWithTheReason() {
    String root = Base64.getEncoder().encodeToString(ROOT);
    assertThatThrownBy(() -> Checkpoint.parse("shoal/r\n5\n" + root)).hasMessageContaining("end with a newline");
    assertThatThrownBy(() -> Checkpoint.parse("shoal/r\n05\n" + root + "\n")).hasMessageContaining("leading zeros");
    assertThatThrownBy(() -> Checkpoint.parse("shoal/r\n-5\n" + root + "\n")).hasMessageContaining("decimal");
    assertThatThrownBy(() -> Checkpoint.parse("shoal/r\n99999999999999999999\n" + root + "\n"))
        .hasMessageContaining("decimal");
    assertThatThrownBy(() -> Checkpoint.parse("shoal/r\n5\n" + root + "\nextension\n"))
        .hasMessageContaining("no extension lines");
    assertThatThrownBy(() -> Checkpoint.parse("shoal/r\n5\nAAAA\n")).hasMessageContaining("32");
    assertThatThrownBy(() -> Checkpoint.parse("shoal/r\n5\n" + root.replace("=", "") + "\n"))
        .hasMessageContaining("padded base64");
    assertThatThrownBy(() -> Checkpoint.parse("\n5\n" + root + "\n")).hasMessageContaining("origin");
    assertThatThrownBy(() -> new Checkpoint("a\tb", 1, ROOT)).hasMessageContaining("control characters");
    assertThatThrownBy(() -> new Checkpoint("shoal/r", -1, ROOT)).hasMessageContaining("negative");
  }

  @Test
  void rootIsCopied() {
    byte[] root = ROOT.clone();
    Checkpoint cp = new Checkpoint("shoal/r", 1, root);
    root[0] ^= 1;
    cp.root()[1] ^= 1;
    assertThat(cp.root()).isEqualTo(ROOT);
  }

  @Test
  void aLedgerCheckpointSignedAndCosignedVerifiesEndToEnd(@TempDir Path dir) throws Exception {
    NoteSigner logKey = NoteSigner.generate("shoal.example/run-1");
    Cosigner witness = Cosigner.generate("witness.example/w1");
    try (LedgerLog ledger = LedgerLog.open(dir)) {
      for (int i = 0; i < 5; i++) {
        ledger.append(("entry " + i).getBytes(StandardCharsets.UTF_8));
      }
      Checkpoint cp = new Checkpoint(Checkpoint.originFor("run-1"), ledger.size(), ledger.root());
      SignedNote note = cp.sign(logKey);
      note = note.withSignature(witness.cosign(note.text(), 1_700_000_000L));

      String published = note.encode();
      NoteVerifier log = NoteVerifier.parse(logKey.verifierKey());
      NoteVerifier w = NoteVerifier.parse(witness.verifierKey());
      VerifiedNote verified = SignedNote.parse(published).verify(List.of(log, w));
      assertThat(verified.signedBy(log)).isTrue();
      assertThat(verified.cosignatures()).containsExactly(
          new Cosignature("witness.example/w1", witness.keyHash(), 1_700_000_000L));
      Checkpoint read = Checkpoint.parse(verified.text());
      assertThat(read).isEqualTo(cp);
      assertThat(MerkleTree.verifyInclusion(ledger.leafHash(3), 3, read.size(), ledger.inclusionProof(3, read.size()),
          read.root())).isTrue();
    }
  }
}
