package dev.shoal.secagg;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The undirected k-regular graph of a SecAgg+ round (Bell et al. 2020): a client masks only with
 * its k neighbours and shares its secrets only among them.
 *
 * <p>{@link #random} draws a circulant (Harary) graph over a uniformly random order of the
 * participants: the client at position i is joined to those at i ± 1, …, i ± ⌊k/2⌋ (mod n), and,
 * when k is odd, to the one at i + n/2. An odd k therefore needs an even n (n·k must be even for
 * any k-regular graph). Such a graph is k-connected: separating the clients takes at least k
 * removed ones, the most a k-regular graph allows. The random order, drawn from a
 * {@link SecureRandom}, keeps anyone from choosing whom a client masks with; k = n − 1 gives the
 * complete graph of the original protocol.
 */
final class NeighbourGraph {

  private final Map<String, List<String>> neighbours;
  private final int degree;

  private NeighbourGraph(Map<String, List<String>> neighbours, int degree) {
    this.neighbours = neighbours;
    this.degree = degree;
  }

  /** A random circulant k-regular graph over {@code participants}. */
  public static NeighbourGraph random(List<String> participants, int degree, SecureRandom random) {
    List<String> order = new ArrayList<>(requireNames(participants));
    int n = order.size();
    if (degree < 1 || degree > n - 1) {
      throw new IllegalArgumentException("degree must be in 1..participants - 1 = " + (n - 1) + ", got " + degree);
    }
    if (degree % 2 == 1 && n % 2 == 1) {
      throw new IllegalArgumentException(
          "an odd degree (" + degree + ") needs an even number of participants, got " + n + ": n*k must be even");
    }
    Collections.shuffle(order, random);
    Map<String, Set<String>> adjacency = new TreeMap<>();
    for (String p : order) {
      adjacency.put(p, new TreeSet<>());
    }
    for (int i = 0; i < n; i++) {
      for (int j = 1; j <= degree / 2; j++) {
        link(adjacency, order.get(i), order.get((i + j) % n));
      }
      if (degree % 2 == 1) {
        link(adjacency, order.get(i), order.get((i + n / 2) % n));
      }
    }
    return of(adjacency);
  }

  /**
   * A graph from its adjacency lists, checked: every named neighbour is a participant, no client
   * is its own neighbour, every edge appears at both ends, and all clients have the same degree.
   */
  public static NeighbourGraph of(Map<String, ? extends Iterable<String>> adjacency) {
    requireNames(new ArrayList<>(adjacency.keySet()));
    Map<String, List<String>> out = new TreeMap<>();
    int degree = -1;
    for (var e : adjacency.entrySet()) {
      Set<String> set = new TreeSet<>();
      for (String v : e.getValue()) {
        if (!adjacency.containsKey(v)) {
          throw new IllegalArgumentException(e.getKey() + " has neighbour " + v + ", who is not a participant");
        }
        if (v.equals(e.getKey())) {
          throw new IllegalArgumentException(v + " cannot be its own neighbour");
        }
        if (!set.add(v)) {
          throw new IllegalArgumentException(e.getKey() + " lists neighbour " + v + " twice");
        }
      }
      if (degree >= 0 && set.size() != degree) {
        throw new IllegalArgumentException(
            "the graph is not regular: " + e.getKey() + " has " + set.size() + " neighbours, others " + degree);
      }
      degree = set.size();
      out.put(e.getKey(), List.copyOf(set));
    }
    for (var e : out.entrySet()) {
      for (String v : e.getValue()) {
        if (!out.get(v).contains(e.getKey())) {
          throw new IllegalArgumentException(
              "the graph is not symmetric: " + e.getKey() + " lists " + v + " but not the other way round");
        }
      }
    }
    return new NeighbourGraph(Collections.unmodifiableMap(out), degree);
  }

  /** The participants, sorted. */
  public List<String> participants() {
    return List.copyOf(neighbours.keySet());
  }

  /** The neighbours of {@code participant}, sorted. */
  public List<String> neighbours(String participant) {
    List<String> n = neighbours.get(participant);
    if (n == null) {
      throw new IllegalArgumentException("not a participant: " + participant);
    }
    return n;
  }

  /** Whether {@code a} and {@code b} are neighbours. */
  public boolean adjacent(String a, String b) {
    return neighbours(a).contains(b);
  }

  /** k, the number of neighbours of every participant. */
  public int degree() {
    return degree;
  }

  private static void link(Map<String, Set<String>> adjacency, String a, String b) {
    adjacency.get(a).add(b);
    adjacency.get(b).add(a);
  }

  private static List<String> requireNames(List<String> participants) {
    Set<String> seen = new HashSet<>();
    for (String p : participants) {
      if (p == null || p.isEmpty()) {
        throw new IllegalArgumentException("participant names must be non-empty");
      }
      if (!seen.add(p)) {
        throw new IllegalArgumentException("participant " + p + " is listed twice");
      }
    }
    return participants;
  }
}
