package dev.shoal.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a dataset's examples among federated clients, to simulate how data is spread over
 * real sites: evenly ({@link Iid}), with label skew ({@link Dirichlet}), or with each client
 * holding only a few labels ({@link Shards}). Any dataset can be split: classes are its labels,
 * and regression targets are grouped into quantile bins ({@link Dataset#strata()}).
 *
 * <p>Every partition is disjoint and complete (each example goes to exactly one client), gives
 * every client at least one example, and is the same every time for the same labels, client
 * count and seed, on any JVM.
 */
public sealed interface Partitioner
    permits Partitioner.Iid, Partitioner.Dirichlet, Partitioner.Shards {

  /** The names {@link #parse} accepts. */
  List<String> NAMES = List.of("iid", "dirichlet", "shards");

  /**
   * The indices of each client's examples, one ascending array per client.
   *
   * @param labels one label (class index, or regression bin) per example, 0 or more; only their
   *     equality matters
   * @param clients how many clients to split among, at least 1 and at most {@code
   *     labels.length}
   * @param seed makes the split reproducible
   * @throws IllegalArgumentException if the examples cannot be split so that every client gets
   *     at least one; the message says why and what to change
   */
  List<int[]> partition(int[] labels, int clients, long seed);

  /**
   * Splits both halves of {@code data} among {@code clients}: the train split with {@code
   * seed}, the test split with {@link #testSeed(long) testSeed(seed)}, so that each client also
   * has local test data. Client {@code k}'s data is element {@code k}.
   *
   * @throws IllegalArgumentException as {@link #partition} does, naming the split
   */
  default List<FederatedData> split(FederatedData data, int clients, long seed) {
    List<int[]> train = partitionSplit("train", data.train(), clients, seed);
    List<int[]> test = partitionSplit("test", data.test(), clients, testSeed(seed));
    List<FederatedData> result = new ArrayList<>(clients);
    for (int k = 0; k < clients; k++) {
      result.add(
          new FederatedData(data.train().subset(train.get(k)), data.test().subset(test.get(k))));
    }
    return List.copyOf(result);
  }

  private List<int[]> partitionSplit(String name, Dataset split, int clients, long seed) {
    try {
      return partition(split.strata(), clients, seed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " split: " + e.getMessage(), e);
    }
  }

  /**
   * The seed {@link #split} uses for the test split: a fixed function of {@code seed} (a
   * SplitMix64 mix), so train and test are split independently of each other. Under {@link
   * Dirichlet} and {@link Shards} a client's test labels are therefore skewed differently from
   * its train labels.
   */
  static long testSeed(long seed) {
    return Partitions.derive(seed, -2);
  }

  /**
   * The partitioner called {@code name}: {@code iid}, {@code dirichlet} (with {@code alpha}) or
   * {@code shards} (two per client). Case and surrounding blanks are ignored; {@code alpha} is
   * read only for {@code dirichlet}.
   *
   * @throws IllegalArgumentException naming the value and what is allowed, for an unknown
   *     name, or for {@code dirichlet} with an alpha that is not a positive number
   */
  static Partitioner parse(String name, double alpha) {
    String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    return switch (key) {
      case "iid" -> new Iid();
      case "dirichlet" -> new Dirichlet(alpha);
      case "shards" -> new Shards();
      default ->
          throw new IllegalArgumentException(
              "unknown partitioner '%s'; use one of %s".formatted(name, String.join(", ", NAMES)));
    };
  }

  /** Independent and identically distributed: a uniform shuffle dealt out in equal parts. */
  record Iid() implements Partitioner {

    @Override
    public List<int[]> partition(int[] labels, int clients, long seed) {
      Partitions.check(labels, clients, this);
      return IidPartition.partition(labels, clients, seed);
    }

    @Override
    public String toString() {
      return "iid";
    }
  }

  /**
   * Label skew (Hsu et al. 2019): each label's examples are split among the clients in
   * proportions drawn from Dir(alpha). A small alpha (0.1) gives each client a few dominant
   * labels; a large one (100) comes close to IID.
   *
   * <p>If a draw leaves a client with no example, the draw is repeated with a derived seed,
   * up to 1000 times, then the partition fails: too many clients for the data at this alpha.
   */
  record Dirichlet(double alpha) implements Partitioner {

    public Dirichlet {
      if (!(alpha > 0) || Double.isInfinite(alpha)) {
        throw new IllegalArgumentException(
            ("dirichlet needs alpha > 0, got %s; smaller alphas (e.g. 0.1) give more label skew,"
                    + " larger ones (e.g. 100) come close to iid")
                .formatted(alpha));
      }
    }

    @Override
    public List<int[]> partition(int[] labels, int clients, long seed) {
      Partitions.check(labels, clients, this);
      return DirichletPartition.partition(labels, clients, seed, alpha);
    }

    @Override
    public String toString() {
      return "dirichlet(alpha=" + alpha + ")";
    }
  }

  /**
   * Pathological non-IID (McMahan et al. 2017): examples sorted by label are cut into {@code
   * clients × shardsPerClient} equal shards (sizes differ by at most one), and each client gets
   * {@code shardsPerClient} of them at random. A shard no longer than the fewest examples any
   * label has crosses at most one label boundary, so it holds at most two labels and a client
   * at most {@code 2 × shardsPerClient} (4 with the default); with fewer shards than labels,
   * shards are longer and clients can hold more.
   */
  record Shards(int shardsPerClient) implements Partitioner {

    /** Two shards per client, as in McMahan et al. */
    public static final int DEFAULT_SHARDS_PER_CLIENT = 2;

    public Shards {
      if (shardsPerClient < 1) {
        throw new IllegalArgumentException(
            "shards needs at least 1 shard per client, got " + shardsPerClient);
      }
    }

    /** Two shards per client. */
    public Shards() {
      this(DEFAULT_SHARDS_PER_CLIENT);
    }

    @Override
    public List<int[]> partition(int[] labels, int clients, long seed) {
      Partitions.check(labels, clients, this);
      return ShardPartition.partition(labels, clients, seed, shardsPerClient);
    }

    @Override
    public String toString() {
      return "shards(" + shardsPerClient + " per client)";
    }
  }
}
