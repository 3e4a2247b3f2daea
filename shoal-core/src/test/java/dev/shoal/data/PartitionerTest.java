package dev.shoal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartitionerTest {

  private static final int[] SAMPLE_LABELS = MnistSample.load().train().strata();

  @Test
  void parsesTheThreeNamesIgnoringCaseAndBlanks() {
    assertThat(Partitioner.parse("iid", 0.5)).isEqualTo(new Partitioner.Iid());
    assertThat(Partitioner.parse(" Dirichlet ", 0.3)).isEqualTo(new Partitioner.Dirichlet(0.3));
    assertThat(Partitioner.parse("SHARDS", 0.5)).isEqualTo(new Partitioner.Shards(2));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "noniid", "dirichlet(0.5)"})
  void rejectsUnknownNamesSayingWhatIsAllowed(String name) {
    assertThatThrownBy(() -> Partitioner.parse(name, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown partitioner '" + name + "'; use one of iid, dirichlet, shards");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY})
  void rejectsDirichletAlphaThatIsNotPositive(double alpha) {
    assertThatThrownBy(() -> Partitioner.parse("dirichlet", alpha))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("dirichlet needs alpha > 0, got " + alpha + "; ")
        .hasMessageContaining("e.g. 0.1");
  }

  @Test
  void alphaMattersOnlyForDirichlet() {
    assertThat(Partitioner.parse("iid", 0)).isEqualTo(new Partitioner.Iid());
    assertThat(Partitioner.parse("shards", -1)).isEqualTo(new Partitioner.Shards());
  }

  @Test
  void rejectsMoreClientsThanExamples() {
    int[] labels = {0, 1, 2};
    assertThatThrownBy(() -> new Partitioner.Iid().partition(labels, 4, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("iid cannot give each of 4 clients an example: the data has only 3 examples");
    assertThatThrownBy(() -> new Partitioner.Dirichlet(1).partition(labels, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clients must be at least 1, got 0");
    assertThatThrownBy(() -> new Partitioner.Shards(2).partition(new int[5], 3, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "shards with 2 shards per client needs at least 6 examples for 3 clients (one per"
                + " shard), the data has 5; use fewer clients or fewer shards per client");
    assertThatThrownBy(() -> new Partitioner.Shards(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shards needs at least 1 shard per client, got 0");
  }

  @Test
  void dirichletWithTooManyClientsForTheDataFailsSayingSo() {
    int[] oneLabel = new int[60];

    assertThatThrownBy(() -> new Partitioner.Dirichlet(0.05).partition(oneLabel, 50, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "dirichlet with alpha 0.05 left some of 50 clients without examples in each of 1000"
                + " draws (60 examples, 1 labels): too many clients for this data at this alpha;"
                + " use fewer clients, a larger alpha, or the shards partitioner");
  }

  @Test
  void dirichletWithSmallAlphaSkewsLabelsFarMoreThanIid() {
    int clients = 20;
    double iid =
        LabelStats.meanTotalVariation(
            SAMPLE_LABELS, new Partitioner.Iid().partition(SAMPLE_LABELS, clients, 42));
    double skewed =
        LabelStats.meanTotalVariation(
            SAMPLE_LABELS, new Partitioner.Dirichlet(0.1).partition(SAMPLE_LABELS, clients, 42));
    double mild =
        LabelStats.meanTotalVariation(
            SAMPLE_LABELS, new Partitioner.Dirichlet(100).partition(SAMPLE_LABELS, clients, 42));

    assertThat(iid).isLessThan(0.1);
    assertThat(mild).isLessThan(0.1);
    assertThat(skewed).isGreaterThan(0.5).isGreaterThan(5 * iid);
  }

  @Test
  void shardsGiveEachSampleClientAtMostFourLabels() {
    // 100 clients x 2 shards of 40 digits; every digit has at least 700 examples, so a shard
    // crosses at most one label boundary.
    List<int[]> parts = new Partitioner.Shards(2).partition(SAMPLE_LABELS, 100, 42);

    assertThat(parts).allSatisfy(p -> assertThat(p).hasSize(80));
    assertThat(parts)
        .allSatisfy(p -> assertThat(LabelStats.distinctLabels(SAMPLE_LABELS, p)).isLessThan(5));
    assertThat(LabelStats.meanTotalVariation(SAMPLE_LABELS, parts)).isGreaterThan(0.6);
  }

  /** 10 labels x 100 examples in 14 shards of 71 or 72: 12 shards straddle two labels. */
  @Test
  void theBoundOfFourLabelsIsReached() {
    int[] labels = balanced(10, 100, 3);
    int most = 0;
    for (long seed = 0; seed < 50; seed++) {
      for (int[] part : new Partitioner.Shards(2).partition(labels, 7, seed)) {
        most = Math.max(most, LabelStats.distinctLabels(labels, part));
      }
    }
    assertThat(most).isEqualTo(4);
  }

  /** 10 labels x 100 examples in 20 shards of 50: each shard holds one label. */
  @Test
  void shardsAlignedWithLabelsGiveAtMostTwoLabels() {
    int[] labels = balanced(10, 100, 4);
    for (int[] part : new Partitioner.Shards(2).partition(labels, 10, 9)) {
      assertThat(LabelStats.distinctLabels(labels, part)).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void splitGivesEachClientTrainAndTestData() {
    FederatedData sample = MnistSample.load();

    List<FederatedData> clients = new Partitioner.Dirichlet(0.5).split(sample, 10, 7);

    assertThat(clients).hasSize(10);
    assertThat(clients.stream().mapToInt(c -> c.train().size()).sum()).isEqualTo(8000);
    assertThat(clients.stream().mapToInt(c -> c.test().size()).sum()).isEqualTo(2000);
    assertThat(clients).allSatisfy(c -> assertThat(c.test().size()).isPositive());
    int[] first = new Partitioner.Dirichlet(0.5).partition(sample.train().strata(), 10, 7).get(0);
    assertThat(clients.get(0).train().targets())
        .isEqualTo(sample.train().subset(first).targets());
    assertThat(Partitioner.testSeed(7)).isNotEqualTo(7);
  }

  @Test
  void splitNamesTheSplitThatCannotBePartitioned() {
    FederatedData data = new FederatedData(IdxBytes.dataset(50, 1), IdxBytes.dataset(5, 2));

    assertThatThrownBy(() -> new Partitioner.Iid().split(data, 8, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "test split: iid cannot give each of 8 clients an example: the data has only 5"
                + " examples");
  }

  /** {@code classes} labels with {@code perClass} examples each, in shuffled order. */
  static int[] balanced(int classes, int perClass, long seed) {
    int[] order = IntStream.range(0, classes * perClass).toArray();
    Partitions.shuffle(order, new Random(seed));
    int[] labels = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      labels[order[i]] = i / perClass;
    }
    return labels;
  }

  static int[] sortedUnion(List<int[]> parts) {
    return parts.stream().flatMapToInt(Arrays::stream).sorted().toArray();
  }
}
