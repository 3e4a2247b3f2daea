package dev.shoal.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Shuffles all indices and deals them out in near-equal parts (sizes differ by at most 1). */
final class IidPartition {

  private IidPartition() {}

  static List<int[]> partition(int[] labels, int clients, long seed) {
    int n = labels.length;
    int[] order = Partitions.identity(n);
    Partitions.shuffle(order, new Random(seed));
    List<int[]> parts = new ArrayList<>(clients);
    for (int k = 0; k < clients; k++) {
      int[] part =
          Arrays.copyOfRange(
              order, Partitions.cut(n, clients, k), Partitions.cut(n, clients, k + 1));
      Arrays.sort(part);
      parts.add(part);
    }
    return List.copyOf(parts);
  }
}
