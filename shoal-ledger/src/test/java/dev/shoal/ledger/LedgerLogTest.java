package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerLogTest {

  @TempDir Path tmp;

  private static byte[] entry(int i) {
    return ("{\"type\":\"test\",\"i\":" + i + ",\"pad\":\"" + "x".repeat(i * 3) + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private Path logWith(int n) throws IOException {
    Path dir = tmp.resolve("log-" + n);
    try (LedgerLog ledger = LedgerLog.open(dir)) {
      for (int i = 0; i < n; i++) {
        ledger.append(entry(i));
      }
    }
    return dir;
  }

  private Path copyOf(Path dir, String name, byte[] content) throws IOException {
    Path copy = tmp.resolve(name);
    Files.createDirectories(copy);
    Files.write(copy.resolve(LedgerLog.FILE_NAME), content);
    return copy;
  }

  @Test
  void appendReturnsIndicesAndEntriesReadBackAfterReopening() throws IOException {
    Path dir = tmp.resolve("ledger");
    byte[] root;
    try (LedgerLog ledger = LedgerLog.open(dir)) {
      assertThat(ledger.size()).isZero();
      assertThat(ledger.root()).isEqualTo(MerkleTree.emptyRoot());
      for (int i = 0; i < 10; i++) {
        assertThat(ledger.append(entry(i))).isEqualTo(i);
      }
      root = ledger.root();
    }
    try (LedgerLog ledger = LedgerLog.open(dir)) {
      assertThat(ledger.size()).isEqualTo(10);
      assertThat(ledger.root()).isEqualTo(root);
      for (int i = 0; i < 10; i++) {
        assertThat(ledger.entry(i)).isEqualTo(entry(i));
        assertThat(ledger.leafHash(i)).isEqualTo(MerkleTree.leafHash(entry(i)));
      }
      assertThat(ledger.append(entry(10))).isEqualTo(10);
    }
  }

  @Test
  void rootsAndProofsOfEarlierSizesVerify() throws IOException {
    try (LedgerLog ledger = LedgerLog.open(tmp.resolve("ledger"))) {
      for (int i = 0; i < 13; i++) {
        ledger.append(entry(i));
      }
      assertThat(ledger.root(0)).isEqualTo(MerkleTree.emptyRoot());
      for (long n = 1; n <= 13; n++) {
        for (long i = 0; i < n; i++) {
          assertThat(MerkleTree.verifyInclusion(ledger.leafHash(i), i, n, ledger.inclusionProof(i, n), ledger.root(n)))
              .isTrue();
        }
        for (long m = 1; m <= n; m++) {
          assertThat(MerkleTree.verifyConsistency(m, n, ledger.consistencyProof(m, n), ledger.root(m), ledger.root(n)))
              .isTrue();
        }
      }
      assertThatThrownBy(() -> ledger.root(14)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("allowed 0..13");
      assertThatThrownBy(() -> ledger.entry(13)).isInstanceOf(IndexOutOfBoundsException.class)
          .hasMessageContaining("allowed 0..12");
    }
  }

  @Test
  void aTailTornAtAnyByteOfTheLastRecordIsCutBackToThePreviousEntry() throws IOException {
    Path dir = tmp.resolve("ledger");
    long before;
    byte[] rootBefore;
    try (LedgerLog ledger = LedgerLog.open(dir)) {
      for (int i = 0; i < 4; i++) {
        ledger.append(entry(i));
      }
      before = Files.size(ledger.file());
      rootBefore = ledger.root();
      ledger.append(entry(4));
    }
    byte[] full = Files.readAllBytes(dir.resolve(LedgerLog.FILE_NAME));
    assertThat(full.length).isGreaterThan((int) before);
    for (int cut = (int) before; cut < full.length; cut++) {
      Path torn = copyOf(dir, "torn-" + cut, Arrays.copyOf(full, cut));
      try (LedgerLog ledger = LedgerLog.open(torn)) {
        assertThat(ledger.size()).as("cut at %d", cut).isEqualTo(4);
        assertThat(ledger.root()).as("cut at %d", cut).isEqualTo(rootBefore);
        assertThat(Files.size(ledger.file())).isEqualTo(before);
        assertThat(ledger.append(entry(4))).isEqualTo(4);
      }
      try (LedgerLog ledger = LedgerLog.open(torn)) {
        assertThat(ledger.size()).isEqualTo(5);
        assertThat(Files.readAllBytes(ledger.file())).isEqualTo(full);
      }
    }
  }

  @Test
  void aZeroFilledTailIsCut() throws IOException {
    Path dir = logWith(3);
    byte[] full = Files.readAllBytes(dir.resolve(LedgerLog.FILE_NAME));
    byte[] padded = Arrays.copyOf(full, full.length + 100);
    try (LedgerLog ledger = LedgerLog.open(copyOf(dir, "padded", padded))) {
      assertThat(ledger.size()).isEqualTo(3);
      assertThat(Files.size(ledger.file())).isEqualTo(full.length);
    }
  }

  @Test
  void aFlippedByteInTheLastCompleteRecordIsDamageNotATornWrite() throws IOException {
    Path dir = logWith(3);
    byte[] bytes = Files.readAllBytes(dir.resolve(LedgerLog.FILE_NAME));
    bytes[bytes.length - 1] ^= 0x40;
    Path copy = copyOf(dir, "garbled", bytes);
    assertThatThrownBy(() -> LedgerLog.open(copy))
        .isInstanceOfSatisfying(LedgerCorruptedException.class, e -> assertThat(e.recordIndex()).isEqualTo(2))
        .hasMessageContaining(copy.resolve(LedgerLog.FILE_NAME).toString())
        .hasMessageContaining("the last record is complete but its entry checksum does not match")
        .hasMessageContaining("docs/operations.md");
    assertThat(Files.readAllBytes(copy.resolve(LedgerLog.FILE_NAME))).as("nothing is cut").isEqualTo(bytes);
    assertThatThrownBy(() -> LedgerLog.read(copy)).isInstanceOf(LedgerCorruptedException.class);
  }

  @Test
  void anIncompleteRecordThatACheckpointCoversIsNeverCut() throws IOException {
    Path dir = logWith(3);
    byte[] full = Files.readAllBytes(dir.resolve(LedgerLog.FILE_NAME));
    byte[] shortened = Arrays.copyOf(full, full.length - 5);
    Path copy = copyOf(dir, "shortened", shortened);
    assertThatThrownBy(() -> LedgerLog.open(copy, 3))
        .isInstanceOfSatisfying(LedgerCorruptedException.class, e -> assertThat(e.recordIndex()).isEqualTo(2))
        .hasMessageContaining("which a signed checkpoint of 3 entries covers");
    assertThat(Files.readAllBytes(copy.resolve(LedgerLog.FILE_NAME))).isEqualTo(shortened);
    // a whole record missing is refused too
    Path gone;
    try (LedgerLog ledger = LedgerLog.open(dir)) {
      gone = copyOf(dir, "gone", Arrays.copyOf(full, (int) offsetOf(ledger, 2)));
    }
    assertThatThrownBy(() -> LedgerLog.open(gone, 3)).isInstanceOf(LedgerCorruptedException.class)
        .hasMessageContaining("the file ends after 2 entries, but a signed checkpoint covers 3");
    // an append no checkpoint covers yet may still be cut
    try (LedgerLog ledger = LedgerLog.open(copy, 2)) {
      assertThat(ledger.size()).isEqualTo(2);
    }
  }

  @Test
  void aFlippedByteInAMiddleRecordIsAnErrorNamingThatRecord() throws IOException {
    Path dir = logWith(5);
    byte[] full = Files.readAllBytes(dir.resolve(LedgerLog.FILE_NAME));
    long start;
    long end;
    try (LedgerLog ledger = LedgerLog.open(dir)) {
      start = offsetOf(ledger, 2);
      end = offsetOf(ledger, 3);
    }
    for (int at = (int) start; at < end; at++) {
      byte[] damaged = full.clone();
      damaged[at] ^= 0x01;
      Path copy = copyOf(dir, "flip-" + at, damaged);
      final int where = at;
      assertThatThrownBy(() -> LedgerLog.open(copy))
          .as("byte %d flipped", where)
          .isInstanceOfSatisfying(LedgerCorruptedException.class, e -> {
            assertThat(e.recordIndex()).isEqualTo(2);
            assertThat(e.offset()).isEqualTo(start);
          })
          .hasMessageContaining("corrupt at record 2");
      // The damaged file is left as it was, for whoever restores it.
      assertThat(Files.readAllBytes(copy.resolve(LedgerLog.FILE_NAME))).isEqualTo(damaged);
    }
  }

  /** Offset of record i, recomputed from the record sizes. */
  private static long offsetOf(LedgerLog ledger, int i) throws IOException {
    long pos = LedgerLog.MAGIC.length;
    for (int k = 0; k < i; k++) {
      pos += LedgerLog.HEADER_BYTES + ledger.entry(k).length;
    }
    return pos;
  }

  @Test
  void aFileThatIsNotALedgerIsRefused() throws IOException {
    Path dir = copyOf(tmp, "other", "hello world, this is not a ledger".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> LedgerLog.open(dir)).isInstanceOf(IOException.class)
        .hasMessageContaining("is not a Shoal ledger log");
  }

  @Test
  void onlyOneWriterAtATime() throws IOException {
    Path dir = tmp.resolve("ledger");
    try (LedgerLog first = LedgerLog.open(dir)) {
      first.append(entry(0));
      assertThatThrownBy(() -> LedgerLog.open(dir)).isInstanceOf(IOException.class)
          .hasMessageContaining("already open");
    }
    try (LedgerLog again = LedgerLog.open(dir)) {
      assertThat(again.size()).isEqualTo(1);
    }
  }

  @Test
  void entriesAreCopiedNotShared() throws IOException {
    try (LedgerLog ledger = LedgerLog.open(tmp.resolve("ledger"))) {
      byte[] e = entry(1);
      ledger.append(e);
      e[0] = 'X';
      assertThat(ledger.entry(0)).isEqualTo(entry(1));
      ledger.leafHash(0)[0] ^= 1;
      assertThat(ledger.leafHash(0)).isEqualTo(MerkleTree.leafHash(entry(1)));
    }
  }
}
