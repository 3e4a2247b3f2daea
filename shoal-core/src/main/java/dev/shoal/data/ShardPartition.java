package dev.shoal.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * McMahan et al.'s pathological non-IID split: indices sorted by label, cut into {@code clients
 * × shardsPerClient} contiguous shards of near-equal size, and each client dealt {@code
 * shardsPerClient} shards at random.
 */
final class ShardPartition {

  private ShardPartition() {}

  static List<int[]> partition(int[] labels, int clients, long seed, int shardsPerClient) {
    int n = labels.length;
    long shardCount = (long) clients * shardsPerClient;
    if (shardCount > n) {
      throw new IllegalArgumentException(
          ("shards with %d shards per client needs at least %d examples for %d clients (one per"
                  + " shard), the data has %d; use fewer clients or fewer shards per client")
              .formatted(shardsPerClient, shardCount, clients, n));
    }
    int shards = (int) shardCount;
    int[] sorted = Partitions.sortedByLabel(labels);
    int[] dealt = Partitions.identity(shards);
    Partitions.shuffle(dealt, new Random(seed));
    List<int[]> parts = new ArrayList<>(clients);
    for (int k = 0; k < clients; k++) {
      int size = 0;
      for (int j = 0; j < shardsPerClient; j++) {
        int s = dealt[k * shardsPerClient + j];
        size += Partitions.cut(n, shards, s + 1) - Partitions.cut(n, shards, s);
      }
      int[] part = new int[size];
      int at = 0;
      for (int j = 0; j < shardsPerClient; j++) {
        int s = dealt[k * shardsPerClient + j];
        int from = Partitions.cut(n, shards, s);
        int to = Partitions.cut(n, shards, s + 1);
        System.arraycopy(sorted, from, part, at, to - from);
        at += to - from;
      }
      Arrays.sort(part);
      parts.add(part);
    }
    return List.copyOf(parts);
  }
}
