package dev.shoal.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NeighbourGraphTest {

  private final SecureRandom random = new SecureRandom();

  private static List<String> names(int n) {
    return IntStream.range(0, n).mapToObj(i -> "p" + i).toList();
  }

  @ParameterizedTest
  @CsvSource({"20,12", "20,19", "21,20", "20,5", "100,16", "3,2", "4,3", "10,2"})
  void isRegularSymmetricAndConnected(int n, int k) {
    NeighbourGraph g = NeighbourGraph.random(names(n), k, random);
    assertThat(g.degree()).isEqualTo(k);
    for (String p : g.participants()) {
      assertThat(g.neighbours(p)).hasSize(k).doesNotContain(p).doesNotHaveDuplicates();
      for (String v : g.neighbours(p)) {
        assertThat(g.adjacent(v, p)).isTrue();
      }
    }
    assertThat(reachable(g, g.participants().get(0), Set.of())).hasSize(n);
  }

  @Test
  void theCompleteGraphJoinsEveryone() {
    NeighbourGraph g = NeighbourGraph.random(names(20), 19, random);
    assertThat(g.neighbours("p3")).hasSize(19);
  }

  @Test
  void removingFewerThanDegreeClientsLeavesItConnected() {
    int n = 40;
    int k = 6;
    NeighbourGraph g = NeighbourGraph.random(names(n), k, random);
    for (int trial = 0; trial < 200; trial++) {
      Set<String> removed = new HashSet<>();
      while (removed.size() < k - 1) {
        removed.add("p" + random.nextInt(n));
      }
      String start = g.participants().stream().filter(p -> !removed.contains(p)).findFirst().orElseThrow();
      assertThat(reachable(g, start, removed)).hasSize(n - removed.size());
    }
  }

  @Test
  void differentDrawsGiveDifferentGraphs() {
    NeighbourGraph a = NeighbourGraph.random(names(50), 8, random);
    NeighbourGraph b = NeighbourGraph.random(names(50), 8, random);
    assertThat(a.participants().stream().map(a::neighbours).toList())
        .isNotEqualTo(b.participants().stream().map(b::neighbours).toList());
  }

  @Test
  void refusesImpossibleDegreesAndBadGraphs() {
    assertThatThrownBy(() -> NeighbourGraph.random(names(21), 5, random)).hasMessageContaining("n*k must be even");
    assertThatThrownBy(() -> NeighbourGraph.random(names(5), 5, random)).hasMessageContaining("1..participants - 1 = 4");
    assertThatThrownBy(() -> NeighbourGraph.random(List.of("a", "a", "b"), 2, random)).hasMessageContaining("twice");
    assertThatThrownBy(() -> NeighbourGraph.of(Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("a"))))
        .hasMessageContaining("not symmetric");
    assertThatThrownBy(() -> NeighbourGraph.of(Map.of("a", List.of("b", "c"), "b", List.of("a"), "c", List.of("a"))))
        .hasMessageContaining("not regular");
    assertThatThrownBy(() -> NeighbourGraph.of(Map.of("a", List.of("x")))).hasMessageContaining("not a participant");
  }

  private static Set<String> reachable(NeighbourGraph g, String start, Set<String> removed) {
    Set<String> seen = new HashSet<>(Set.of(start));
    ArrayDeque<String> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      for (String v : g.neighbours(queue.poll())) {
        if (!removed.contains(v) && seen.add(v)) {
          queue.add(v);
        }
      }
    }
    return seen;
  }
}
