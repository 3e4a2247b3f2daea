package dev.shoal.data;

import java.util.Arrays;
import java.util.Random;

/** Helpers the partitioners share: argument checks, grouping by label, shuffling, seeds. */
final class Partitions {

  private Partitions() {}

  /** Fails unless there are at least one client and at least one example per client. */
  static void check(int[] labels, int clients, Partitioner who) {
    if (clients < 1) {
      throw new IllegalArgumentException("clients must be at least 1, got " + clients);
    }
    if (labels.length < clients) {
      throw new IllegalArgumentException(
          "%s cannot give each of %d clients an example: the data has only %d examples"
              .formatted(who, clients, labels.length));
    }
  }

  /** The indices of each label that occurs, in ascending label order, each ascending. */
  static int[][] byClass(int[] labels) {
    int classes = Arrays.stream(labels).max().orElse(-1) + 1;
    int[] counts = new int[classes];
    for (int label : labels) {
      if (label < 0) {
        throw new IllegalArgumentException("labels must be 0 or more, got " + label);
      }
      counts[label]++;
    }
    int[][] all = new int[classes][];
    for (int c = 0; c < classes; c++) {
      all[c] = new int[counts[c]];
    }
    int[] fill = new int[classes];
    for (int i = 0; i < labels.length; i++) {
      int c = labels[i];
      all[c][fill[c]++] = i;
    }
    return Arrays.stream(all).filter(indices -> indices.length > 0).toArray(int[][]::new);
  }

  /** All indices sorted by label; indices with the same label stay ascending. */
  static int[] sortedByLabel(int[] labels) {
    int[] sorted = new int[labels.length];
    int at = 0;
    for (int[] indices : byClass(labels)) {
      System.arraycopy(indices, 0, sorted, at, indices.length);
      at += indices.length;
    }
    return sorted;
  }

  static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  /** Fisher–Yates, from the last position down. */
  static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** Start of part {@code k} when {@code n} items are cut into {@code parts} near-equal parts. */
  static int cut(int n, int parts, int k) {
    return (int) ((long) n * k / parts);
  }

  /**
   * A seed for the numbered {@code stream} derived from {@code seed}: the SplitMix64 finaliser
   * of {@code seed + (stream + 1) * 0x9E3779B97F4A7C15}, so nearby seeds and streams give
   * unrelated generators.
   */
  static long derive(long seed, long stream) {
    long z = seed + (stream + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
