package dev.shoal.strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Client sampling shared by strategies. */
public final class Sampling {

  private Sampling() {}

  /**
   * Samples {@code max(minClients, ceil(fraction × available))} clients, capped at the number
   * available, uniformly without replacement. The result is sorted for stable logs.
   */
  public static List<String> sample(List<String> available, double fraction, int minClients, SplittableRandom rng) {
    return sampleExactly(available, sampleSize(available.size(), fraction, minClients), rng);
  }

  /** Samples {@code n} of the available clients (at most all), uniformly without replacement, sorted. */
  public static List<String> sampleExactly(List<String> available, int n, SplittableRandom rng) {
    n = Math.min(Math.max(n, 0), available.size());
    List<String> pool = new ArrayList<>(available);
    pool.sort(null);
    for (int i = 0; i < n; i++) {
      int j = i + rng.nextInt(pool.size() - i);
      String tmp = pool.get(i);
      pool.set(i, pool.get(j));
      pool.set(j, tmp);
    }
    List<String> chosen = new ArrayList<>(pool.subList(0, n));
    chosen.sort(null);
    return chosen;
  }

  public static int sampleSize(int available, double fraction, int minClients) {
    if (fraction <= 0) {
      return 0;
    }
    int wanted = Math.max(minClients, (int) Math.ceil(fraction * available - 1e-9));
    return Math.min(wanted, available);
  }
}
