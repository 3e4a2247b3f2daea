package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** A log cut at any byte reopens as the longest prefix of complete records, with that prefix's root. */
@Tag("slow")
class LedgerLogProperties {

  @Property(tries = 200)
  void aLogCutAnywhereReopensAsItsCompletePrefix(
      @ForAll @Size(min = 1, max = 12) List<@Size(max = 40) byte[]> entries,
      @ForAll @IntRange(min = 0, max = 1_000_000) int cutSeed) throws IOException {
    Path dir = Files.createTempDirectory("ledger-prop");
    try {
      List<Long> ends = new ArrayList<>();
      try (LedgerLog ledger = LedgerLog.open(dir.resolve("full"))) {
        for (byte[] e : entries) {
          ledger.append(e);
          ends.add(Files.size(ledger.file()));
        }
      }
      byte[] full = Files.readAllBytes(dir.resolve("full").resolve(LedgerLog.FILE_NAME));
      int cut = LedgerLog.MAGIC.length + cutSeed % (full.length - LedgerLog.MAGIC.length + 1);
      Path torn = dir.resolve("torn");
      Files.createDirectories(torn);
      Files.write(torn.resolve(LedgerLog.FILE_NAME), Arrays.copyOf(full, cut));

      int complete = (int) ends.stream().filter(end -> end <= cut).count();
      List<byte[]> expectedLeaves = new ArrayList<>();
      for (int i = 0; i < complete; i++) {
        expectedLeaves.add(MerkleTree.leafHash(entries.get(i)));
      }
      try (LedgerLog ledger = LedgerLog.open(torn)) {
        assertThat(ledger.size()).isEqualTo(complete);
        assertThat(ledger.root()).isEqualTo(MerkleTree.root(expectedLeaves));
        for (int i = 0; i < complete; i++) {
          assertThat(ledger.entry(i)).isEqualTo(entries.get(i));
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
