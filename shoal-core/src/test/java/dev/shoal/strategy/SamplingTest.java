package dev.shoal.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplingTest {

  @Test
  void idsAreNamedInSortedIndexOrderWithAtLeastThreeDigits() {
    assertThat(ClientIds.of(3)).containsExactly("client-000", "client-001", "client-002");
    ClientIds big = ClientIds.of(1_000_001);
    assertThat(big.get(0)).isEqualTo("client-0000000");
    assertThat(big.get(1_000_000)).isEqualTo("client-1000000");
    List<String> some = new ArrayList<>(List.of(big.get(999), big.get(10), big.get(123_456), big.get(2)));
    some.sort(null);
    assertThat(some).containsExactly(big.get(2), big.get(10), big.get(999), big.get(123_456));
  }

  @Test
  void idsKnowTheirIndexAndNothingElse() {
    ClientIds ids = ClientIds.of(1500);
    assertThat(ids.indexOf("client-1499")).isEqualTo(1499);
    assertThat(ids.indexOf("client-0007")).isEqualTo(7);
    assertThat(ids.indexOf("client-1500")).isEqualTo(-1);
    assertThat(ids.indexOf("client-007")).isEqualTo(-1);
    assertThat(ids.indexOf("client-00x7")).isEqualTo(-1);
    assertThat(ids.indexOf("node-0007")).isEqualTo(-1);
    assertThat(ids.contains("client-0000")).isTrue();
    assertThatThrownBy(() -> ids.get(1500)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> ids.set(0, "x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void sampleFromIdsIsTheSampleFromTheSameIdsAsAList() {
    for (int n : new int[] {1, 7, 1000, 1001, 5000}) {
      ClientIds ids = ClientIds.of(n);
      List<String> listed = new ArrayList<>(ids);
      java.util.Collections.shuffle(listed, new java.util.Random(n));
      for (int k : new int[] {0, 1, 3, n / 2, n}) {
        assertThat(Sampling.sampleExactly(ids, k, new SplittableRandom(n + k)))
            .as("%d of %d", k, n)
            .isEqualTo(Sampling.sampleExactly(listed, k, new SplittableRandom(n + k)));
      }
      assertThat(Sampling.poisson(ids, 0.3, new SplittableRandom(n)))
          .isEqualTo(Sampling.poisson(listed, 0.3, new SplittableRandom(n)));
    }
  }

  @Test
  void hundredOfAMillionAreDistinctSortedAndSpreadOut() {
    ClientIds ids = ClientIds.of(1_000_000);
    List<String> chosen = Sampling.sample(ids, 0.0001, 2, new SplittableRandom(3));
    assertThat(chosen).hasSize(100).doesNotHaveDuplicates().isSorted().allMatch(ids::contains);
    // drawn from the whole range: a uniform sample of 100 has one in the last tenth with near certainty
    assertThat(chosen.stream().mapToInt(ids::indexOf).max().getAsInt()).isGreaterThan(900_000);
    assertThat(chosen.stream().mapToInt(ids::indexOf).min().getAsInt()).isLessThan(100_000);
  }

  @Test
  void everyClientIsSampledAboutEquallyOften() {
    ClientIds ids = ClientIds.of(50);
    int[] counts = new int[50];
    SplittableRandom rng = new SplittableRandom(11);
    for (int round = 0; round < 5000; round++) {
      Sampling.sampleExactly(ids, 10, rng).forEach(id -> counts[ids.indexOf(id)]++);
    }
    // each client is expected 1000 times (sd ≈ 28)
    assertThat(java.util.Arrays.stream(counts).boxed().toList()).allMatch(c -> c > 850 && c < 1150);
  }
}
