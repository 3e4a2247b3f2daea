package dev.shoal.strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Client sampling shared by strategies. From {@link ClientIds} — a simulation's registered
 * clients, up to millions — a round's sample costs memory and time in the sample's size, not the
 * federation's, and is the same sample a list of the same ids would give.
 */
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
    if (available instanceof ClientIds ids) {
      return sparse(ids, n, rng);
    }
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

  /**
   * The same partial Fisher–Yates shuffle over the sorted ids, with only the displaced positions
   * kept (in a map), so the same random numbers choose the same clients.
   */
  private static List<String> sparse(ClientIds ids, int n, SplittableRandom rng) {
    Map<Integer, Integer> displaced = new HashMap<>();
    int[] chosen = new int[n];
    for (int i = 0; i < n; i++) {
      int j = i + rng.nextInt(ids.size() - i);
      int atJ = displaced.getOrDefault(j, j);
      displaced.put(j, displaced.getOrDefault(i, i));
      chosen[i] = atJ;
    }
    Arrays.sort(chosen);
    List<String> out = new ArrayList<>(n);
    for (int index : chosen) {
      out.add(ids.get(index));
    }
    return out;
  }

  /**
   * Poisson sampling: each available client, in sorted order, independently with probability
   * {@code rate}; the number drawn varies. Walks {@link ClientIds} by index without making their ids.
   */
  public static List<String> poisson(List<String> available, double rate, SplittableRandom rng) {
    List<String> out = new ArrayList<>();
    if (available instanceof ClientIds ids) {
      for (int i = 0; i < ids.size(); i++) {
        if (rng.nextDouble() < rate) {
          out.add(ids.get(i));
        }
      }
      return out;
    }
    List<String> sorted = new ArrayList<>(available);
    sorted.sort(null);
    for (String id : sorted) {
      if (rng.nextDouble() < rate) {
        out.add(id);
      }
    }
    return out;
  }

  public static int sampleSize(int available, double fraction, int minClients) {
    if (fraction <= 0) {
      return 0;
    }
    int wanted = Math.max(minClients, (int) Math.ceil(fraction * available - 1e-9));
    return Math.min(wanted, available);
  }
}
