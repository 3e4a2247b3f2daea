package dev.shoal.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

/**
 * The dependencies between the packages of one module's compiled classes, as the JDK's {@code
 * jdeps} reads them from the class files, and the cycles among them.
 */
final class PackageGraph {

  /** A jdeps {@code -verbose:class} line: {@code   a.b.C   -> d.e.F   location}. */
  private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(\\S.*)$");

  /** For each package, the packages of the same module it uses, each with the class edges that make it. */
  private final Map<String, Map<String, Set<String>>> uses;

  private PackageGraph(Map<String, Map<String, Set<String>>> uses) {
    this.uses = uses;
  }

  /** The package graph of the classes in {@code location} (a directory of classes or a jar). */
  static PackageGraph of(Path location) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps")
        .orElseThrow(() -> new IllegalStateException("this JDK has no jdeps (module jdk.jdeps)"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:class", "-filter:none",
        location.toString());
    if (status != 0) {
      throw new IllegalStateException("jdeps failed on " + location + " (" + status + "): " + err);
    }
    Map<String, Map<String, Set<String>>> uses = new TreeMap<>();
    List<String[]> edges = new ArrayList<>();
    for (String line : out.toString().split("\\R")) {
      Matcher m = EDGE.matcher(line);
      if (m.matches()) {
        edges.add(new String[] {m.group(1), m.group(2)});
        uses.computeIfAbsent(packageOf(m.group(1)), p -> new TreeMap<>());
      }
    }
    for (String[] e : edges) {
      String from = packageOf(e[0]);
      String to = packageOf(e[1]);
      if (!from.equals(to) && uses.containsKey(to)) {
        uses.get(from).computeIfAbsent(to, p -> new TreeSet<>()).add(e[0] + " -> " + e[1]);
      }
    }
    return new PackageGraph(uses);
  }

  /** The directory or jar that {@code type} was loaded from. */
  static Path locationOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The packages found. */
  Set<String> packages() {
    return uses.keySet();
  }

  /** The packages {@code from} uses. */
  Set<String> uses(String from) {
    return uses.getOrDefault(from, Map.of()).keySet();
  }

  /**
   * One cycle through each group of packages that reach each other (each strongly connected
   * component of more than one package), as the list of its packages in order; empty when the
   * graph is acyclic.
   */
  List<List<String>> cycles() {
    List<List<String>> cycles = new ArrayList<>();
    for (Set<String> component : components()) {
      String start = component.iterator().next();
      cycles.add(pathBack(start, component));
    }
    return cycles;
  }

  /** A cycle written out with the class references behind each of its steps. */
  String describe(List<String> cycle) {
    StringBuilder b = new StringBuilder(String.join(" -> ", cycle)).append(" -> ").append(cycle.get(0));
    for (int i = 0; i < cycle.size(); i++) {
      String from = cycle.get(i);
      String to = cycle.get((i + 1) % cycle.size());
      b.append("\n  ").append(from).append(" -> ").append(to).append(": ")
          .append(String.join(", ", uses.get(from).get(to)));
    }
    return b.toString();
  }

  /** The shortest path from {@code start} back to itself inside {@code component}. */
  private List<String> pathBack(String start, Set<String> component) {
    Map<String, String> previous = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      String at = queue.poll();
      for (String next : uses(at)) {
        if (!component.contains(next)) {
          continue;
        }
        if (next.equals(start)) {
          List<String> path = new ArrayList<>();
          for (String p = at; p != null; p = previous.get(p)) {
            path.add(0, p);
          }
          return path;
        }
        if (!previous.containsKey(next)) {
          previous.put(next, at);
          queue.add(next);
        }
      }
    }
    throw new IllegalStateException("no cycle through " + start);
  }

  /** Tarjan's strongly connected components of more than one package. */
  private List<Set<String>> components() {
    Map<String, Integer> index = new LinkedHashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    List<Set<String>> found = new ArrayList<>();
    for (String p : packages()) {
      if (!index.containsKey(p)) {
        connect(p, index, low, stack, found);
      }
    }
    return found;
  }

  private void connect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
      List<Set<String>> found) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    for (String w : uses(v)) {
      if (!index.containsKey(w)) {
        connect(w, index, low, stack, found);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        found.add(component);
      }
    }
  }

  private static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }
}
