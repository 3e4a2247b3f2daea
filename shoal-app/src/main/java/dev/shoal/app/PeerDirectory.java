package dev.shoal.app;

import dev.shoal.peer.PeerInfo;
import dev.shoal.peer.PeerLink;
import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peers one peer knows: where each listens (learned from the bootstrap list and gossip), the
 * cosigner key it gave itself (only ever taken from its own authenticated call), the last round
 * it said it holds decided, and when it was last heard from. Holds one link per address, made
 * anew after a failure so that a peer back from a crash or a partition is reached at once, and
 * fetches blobs from whichever peer holds them.
 */
final class PeerDirectory {

  private static final Logger log = LoggerFactory.getLogger(PeerDirectory.class);

  /** What is known of one peer. */
  record Known(String name, String address, Optional<String> key, long decided, Instant lastSeen) {}

  /** The round a peer holds decided, before it has said so itself. */
  static final long UNHEARD = -1;

  interface Dialer {
    PeerLink dial(String address) throws IOException;
  }

  private final String self;
  private final Clock clock;
  private final Dialer dialer;
  private final Set<String> bootstrap;
  private final Map<String, Known> byName = new ConcurrentHashMap<>();
  private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
  private final int capacity;

  /**
   * @param capacity the most peers it learns of from other peers' views; a peer that greets it
   *     itself is always taken
   */
  PeerDirectory(String self, List<String> bootstrap, Dialer dialer, Clock clock, int capacity) {
    this.self = self;
    this.bootstrap = Set.copyOf(bootstrap);
    this.dialer = dialer;
    this.clock = clock;
    this.capacity = capacity;
  }

  /**
   * Learns of a peer. {@code direct}: the peer said it itself on an authenticated call, so its key
   * is taken and it counts as seen now; otherwise only its address is taken, only for a peer not
   * known yet and only while the directory has room: what another peer relays about a third is
   * not believed (a view naming a peer far ahead at an address nobody answers would otherwise
   * send this peer there to catch up, round after round), and a view of thousands of names would
   * otherwise have this peer greet each of them.
   */
  void learn(PeerInfo info, boolean direct) {
    if (info.name().equals(self) || info.name().isEmpty() || info.address().isEmpty()) {
      return;
    }
    byName.compute(info.name(), (n, old) -> {
      if (direct) {
        Optional<String> key = info.cosignerKey().isEmpty() ? old == null ? Optional.empty() : old.key()
            : Optional.of(info.cosignerKey());
        return new Known(n, info.address(), key, info.decided(), clock.instant());
      }
      if (old != null || byName.size() >= capacity) {
        return old;
      }
      return new Known(n, info.address(), Optional.empty(), UNHEARD, Instant.EPOCH);
    });
  }

  /**
   * A peer answered a greeting: it is alive, and says which round it holds decided. Its key is not
   * taken from an answer (the answer's name is only claimed), only from its own calls.
   */
  void heard(PeerInfo info) {
    if (info.name().equals(self) || info.name().isEmpty()) {
      return;
    }
    byName.compute(info.name(), (n, old) -> new Known(n, info.address(),
        old == null ? Optional.empty() : old.key(), info.decided(), clock.instant()));
  }

  List<Known> known() {
    return List.copyOf(byName.values());
  }

  Optional<Known> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The key {@code name} gave itself, if it did. */
  Optional<String> key(String name) {
    return get(name).flatMap(Known::key);
  }

  /** Names heard from within {@code window}. */
  Set<String> alive(Duration window) {
    Instant since = clock.instant().minus(window);
    return byName.values().stream().filter(k -> k.lastSeen().isAfter(since)).map(Known::name)
        .collect(Collectors.toSet());
  }

  /** Every address to greet: the bootstrap list and every known peer's. */
  Set<String> addresses() {
    Set<String> all = new java.util.TreeSet<>(bootstrap);
    byName.values().forEach(k -> all.add(k.address()));
    return all;
  }

  /** The peers that said themselves they hold a later round decided than {@code decided}, the furthest first. */
  List<Known> ahead(long decided) {
    return byName.values().stream().filter(k -> k.decided() > decided)
        .sorted(java.util.Comparator.comparingLong(Known::decided).reversed()).toList();
  }

  List<PeerInfo> infos() {
    List<PeerInfo> out = new ArrayList<>();
    byName.values().forEach(k -> out.add(new PeerInfo(k.name(), k.address(), k.key().orElse(""), k.decided())));
    return out;
  }

  /** Calls {@code call} on the link to {@code address}; a failed link is dropped and made anew next time. */
  <T> T call(String address, LinkCall<T> call) throws IOException {
    PeerLink link = links.get(address);
    if (link == null) {
      link = dialer.dial(address);
      links.put(address, link);
    }
    try {
      return call.on(link);
    } catch (IOException | RuntimeException e) {
      links.remove(address, link);
      link.close();
      throw e;
    }
  }

  /**
   * Tells every known peer {@code message} through {@code tell}, each on a virtual thread of its
   * own, without waiting for any; a peer that cannot be reached is left out (and logged at debug).
   */
  void tellAll(String message, LinkTell tell) {
    for (Known k : known()) {
      Thread.ofVirtual().start(() -> {
        try {
          call(k.address(), l -> {
            tell.on(l);
            return null;
          });
        } catch (IOException e) {
          log.debug("message not delivered message=\"{}\" to={} reason=\"{}\"", message, k.name(), e.getMessage());
        }
      });
    }
  }

  /** Calls {@code call} on the peer named {@code name}. */
  <T> T callPeer(String name, LinkCall<T> call) throws IOException {
    Known k = byName.get(name);
    if (k == null) {
      throw new IOException("peer " + name + " is not known yet");
    }
    return call(k.address(), call);
  }

  /**
   * Makes sure blob {@code id} is in {@code blobs}, fetching it from the first of {@code holders},
   * then any known peer, that has it (at most {@code maxBytes}, checked against its id).
   */
  void fetch(BlobStore blobs, ContentId id, List<String> holders, long maxBytes) throws IOException {
    if (blobs.contains(id)) {
      return;
    }
    List<String> from = new ArrayList<>(holders);
    byName.keySet().stream().sorted().forEach(from::add);
    IOException last = new IOException("no peer is known to hold " + id);
    for (String holder : from) {
      if (holder.equals(self) || !byName.containsKey(holder)) {
        continue;
      }
      try {
        fetchFrom(blobs, id, holder, maxBytes);
        return;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  /**
   * Fetches blob {@code id} from the peer {@code holder} only (at most {@code maxBytes}, checked
   * against its id) unless {@code blobs} has it; whether it was fetched.
   */
  boolean fetchFrom(BlobStore blobs, ContentId id, String holder, long maxBytes) throws IOException {
    if (blobs.contains(id)) {
      return false;
    }
    Path tmp = blobs.newTemporaryFile();
    try {
      callPeer(holder, l -> {
        l.fetch(id, tmp, maxBytes);
        return null;
      });
      ContentId got;
      try (InputStream in = Files.newInputStream(tmp)) {
        got = blobs.put(in);
      }
      if (!got.equals(id)) {
        blobs.delete(got);
        throw new IOException("peer " + holder + " sent bytes hashing to " + got + " for " + id);
      }
      return true;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  interface LinkCall<T> {
    T on(PeerLink link) throws IOException;
  }

  interface LinkTell {
    void on(PeerLink link) throws IOException;
  }

  void close() {
    links.values().forEach(PeerLink::close);
    links.clear();
  }
}
