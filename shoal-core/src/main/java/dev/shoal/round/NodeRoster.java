package dev.shoal.round;

import dev.shoal.round.RemoteClients.Journal;
import dev.shoal.round.RemoteClients.NodeView;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The nodes {@link RemoteClients} knows, by name. Not thread-safe: touched only while holding the
 * lock of its {@link RemoteClients}.
 */
final class NodeRoster {

  private final Map<String, RemoteNode> nodes = new TreeMap<>();
  private final Clock clock;
  private final Journal journal;

  NodeRoster(Clock clock, Journal journal) {
    this.clock = clock;
    this.journal = journal;
  }

  /** The node {@code name}, added (online) when it is new. */
  RemoteNode join(String name) {
    return nodes.computeIfAbsent(name, k -> new RemoteNode(k, clock, journal));
  }

  /** The node {@code name}, which must have registered. */
  RemoteNode get(String name) {
    RemoteNode n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("unknown node '" + name + "'; it must register first");
    }
    return n;
  }

  Optional<RemoteNode> find(String name) {
    return Optional.ofNullable(nodes.get(name));
  }

  /** The names of the nodes online, in name order. */
  List<String> online() {
    return nodes.values().stream().filter(n -> n.online).map(n -> n.name).toList();
  }

  List<NodeView> views() {
    return nodes.values().stream().map(RemoteNode::view).toList();
  }

  /** The nodes online but not heard from since {@code cutoff}, in name order. */
  List<RemoteNode> silentSince(Instant cutoff) {
    return nodes.values().stream().filter(n -> n.online && n.lastSeen.isBefore(cutoff)).toList();
  }
}
