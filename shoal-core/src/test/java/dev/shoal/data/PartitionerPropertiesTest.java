package dev.shoal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** What every partition promises, over random labels, client counts and seeds. */
class PartitionerPropertiesTest {

  /** Labels to split, how many clients, and the seed. */
  record Case(int[] labels, int clients, long seed) {}

  @Property(tries = 200)
  void iidSplitsValidlyInNearEqualParts(@ForAll("cases") Case c) {
    List<int[]> parts = assertValid(new Partitioner.Iid(), c);

    int smallest = parts.stream().mapToInt(p -> p.length).min().orElseThrow();
    int largest = parts.stream().mapToInt(p -> p.length).max().orElseThrow();
    assertThat(largest - smallest).isLessThanOrEqualTo(1);
  }

  @Property(tries = 200)
  void dirichletSplitsValidly(
      @ForAll("casesWithRoom") Case c, @ForAll("moderateAlphas") double alpha) {
    assertValid(new Partitioner.Dirichlet(alpha), c);
  }

  @Property(tries = 60)
  void dirichletWithAnyAlphaSplitsValidlyOrSaysThereAreTooManyClients(
      @ForAll("cases") Case c, @ForAll("smallAlphas") double alpha) {
    Partitioner dirichlet = new Partitioner.Dirichlet(alpha);
    try {
      dirichlet.partition(c.labels(), c.clients(), c.seed());
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessageContaining("too many clients for this data at this alpha");
      return;
    }
    assertValid(dirichlet, c);
  }

  @Property(tries = 200)
  void shardsSplitValidlyIntoWholeShards(
      @ForAll("cases") Case c, @ForAll("shardsPerClient") int shardsPerClient) {
    Partitioner shards = new Partitioner.Shards(shardsPerClient);
    int shardCount = c.clients() * shardsPerClient;
    if (shardCount > c.labels().length) {
      assertThatThrownBy(() -> shards.partition(c.labels(), c.clients(), c.seed()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("needs at least " + shardCount + " examples");
      return;
    }
    List<int[]> parts = assertValid(shards, c);

    int n = c.labels().length;
    int smallest = shardsPerClient * (n / shardCount);
    int largest = shardsPerClient * ((n + shardCount - 1) / shardCount);
    assertThat(parts).allSatisfy(p -> assertThat(p.length).isBetween(smallest, largest));
  }

  /**
   * With equally many examples per label and at least as many shards as labels, a shard is no
   * longer than a label's run in sorted order, so it holds at most two labels, and a client at
   * most twice its shard count (4 with the default 2 shards), however the labels fall.
   */
  @Property(tries = 200)
  void shardsOfBalancedLabelsGiveEachClientAtMostTwoLabelsPerShard(
      @ForAll("balancedShardCases") BalancedCase c) {
    List<int[]> parts =
        new Partitioner.Shards(c.shardsPerClient()).partition(c.labels(), c.clients(), c.seed());

    for (int[] part : parts) {
      assertThat(LabelStats.distinctLabels(c.labels(), part))
          .isLessThanOrEqualTo(2 * c.shardsPerClient());
    }
  }

  /** Balanced labels split by {@code shardsPerClient} shards per client. */
  record BalancedCase(int[] labels, int clients, int shardsPerClient, long seed) {}

  /** Checks disjoint, complete, non-empty and reproducible; returns the parts. */
  private static List<int[]> assertValid(Partitioner partitioner, Case c) {
    List<int[]> parts = partitioner.partition(c.labels(), c.clients(), c.seed());

    assertThat(parts).hasSize(c.clients());
    assertThat(parts).allSatisfy(p -> assertThat(p).isNotEmpty().isSorted());
    assertThat(PartitionerTest.sortedUnion(parts))
        .as("every index exactly once")
        .containsExactly(IntStream.range(0, c.labels().length).toArray());
    List<int[]> again = partitioner.partition(c.labels().clone(), c.clients(), c.seed());
    for (int k = 0; k < parts.size(); k++) {
      assertThat(again.get(k)).as("client %d with the same seed", k).isEqualTo(parts.get(k));
    }
    return parts;
  }

  @Provide
  Arbitrary<Case> cases() {
    return labels(1, 400)
        .flatMap(
            labels ->
                Combinators.combine(
                        Arbitraries.integers().between(1, Math.min(labels.length, 40)),
                        Arbitraries.longs())
                    .as((clients, seed) -> new Case(labels, clients, seed)));
  }

  /** At least 30 examples per client, so that a moderate alpha always leaves none empty. */
  @Provide
  Arbitrary<Case> casesWithRoom() {
    return labels(30, 400)
        .flatMap(
            labels ->
                Combinators.combine(
                        Arbitraries.integers().between(1, Math.min(labels.length / 30, 10)),
                        Arbitraries.longs())
                    .as((clients, seed) -> new Case(labels, clients, seed)));
  }

  @Provide
  Arbitrary<Double> moderateAlphas() {
    return Arbitraries.of(0.5, 1.0, 10.0, 1000.0);
  }

  @Provide
  Arbitrary<Double> smallAlphas() {
    return Arbitraries.of(0.01, 0.05, 0.1, 0.3);
  }

  @Provide
  Arbitrary<Integer> shardsPerClient() {
    return Arbitraries.integers().between(1, 4);
  }

  @Provide
  Arbitrary<BalancedCase> balancedShardCases() {
    Arbitrary<Integer> classes = Arbitraries.integers().between(2, 10);
    Arbitrary<Integer> perClass = Arbitraries.integers().between(3, 60);
    Arbitrary<Integer> spc = Arbitraries.integers().between(1, 3);
    return Combinators.combine(classes, perClass, spc, Arbitraries.longs())
        .flatAs(
            (k, m, s, seed) -> {
              int minClients = (k + s - 1) / s; // at least as many shards as labels
              int maxClients = k * m / s; // at least one example per shard; m >= s
              return Arbitraries.integers()
                  .between(minClients, maxClients)
                  .map(
                      clients ->
                          new BalancedCase(
                              PartitionerTest.balanced(k, m, seed), clients, s, seed));
            });
  }

  /** Labels drawn from 1 to 10 distinct values. */
  private static Arbitrary<int[]> labels(int minSize, int maxSize) {
    return Arbitraries.integers()
        .between(1, 10)
        .flatMap(
            classes ->
                Arbitraries.integers()
                    .between(0, classes - 1)
                    .array(int[].class)
                    .ofMinSize(minSize)
                    .ofMaxSize(maxSize));
  }
}
