package dev.shoal.app;

import dev.shoal.peer.UpdateOffer;
import dev.shoal.tensor.ContentId;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The updates other peers offer, fetched in the background so that they are here when this peer
 * proposes a round. Any holder of a peer certificate can send offers as fast as it likes, so:
 *
 * <ul>
 *   <li>one background fetch at a time per offering peer: an offer made while one runs is fetched
 *       after it, and only the latest;
 *   <li>an offered update is fetched from the peer that offered it only, never asked of the others;
 *   <li>a peer offers at most {@link #MAX_PER_ROUND} different updates for one round (an honest peer
 *       offers one); further ones are refused;
 *   <li>once a round is decided, the updates fetched for it (and earlier rounds) that the decision
 *       does not commit to are deleted.
 * </ul>
 */
final class OfferedUpdates {

  static final int MAX_PER_ROUND = 2;

  private static final Logger log = LoggerFactory.getLogger(OfferedUpdates.class);

  /** Fetches update {@code id} from {@code peer} into the blob store; false when it was there already. */
  interface Fetch {
    boolean from(String peer, ContentId id) throws IOException;
  }

  /** Deletes blob {@code id} from the blob store. */
  interface Delete {
    void blob(ContentId id) throws IOException;
  }

  private final Fetch fetch;
  private final Delete delete;
  private final Map<Long, Map<String, Set<ContentId>>> byRound = new ConcurrentHashMap<>();
  private final Map<String, ContentId> latest = new ConcurrentHashMap<>();
  private final Set<String> fetching = ConcurrentHashMap.newKeySet();
  /** The updates these fetches stored: only they are ever deleted here. */
  private final Set<ContentId> fetched = ConcurrentHashMap.newKeySet();

  OfferedUpdates(Fetch fetch, Delete delete) {
    this.fetch = fetch;
    this.delete = delete;
  }

  /**
   * Records {@code offer} and fetches its update in the background; false, recording nothing, when
   * its peer already offered {@link #MAX_PER_ROUND} other updates for its round.
   */
  boolean offered(UpdateOffer offer) {
    Set<ContentId> ids = byRound.computeIfAbsent(offer.round(), r -> new ConcurrentHashMap<>())
        .computeIfAbsent(offer.peer(), p -> new HashSet<>());
    synchronized (ids) {
      if (!ids.contains(offer.update()) && ids.size() >= MAX_PER_ROUND) {
        return false;
      }
      ids.add(offer.update());
    }
    latest.put(offer.peer(), offer.update());
    if (fetching.add(offer.peer())) {
      Thread.ofVirtual().name("offer-fetch").start(() -> fetchLatest(offer.peer()));
    }
    return true;
  }

  /** Fetches {@code peer}'s latest offered update until no newer one came while fetching. */
  private void fetchLatest(String peer) {
    ContentId done = null;
    while (true) {
      ContentId want = latest.get(peer);
      if (want.equals(done)) {
        fetching.remove(peer);
        // an offer that came between the read and the removal found the fetch still running
        if (latest.get(peer).equals(done) || !fetching.add(peer)) {
          return;
        }
        continue;
      }
      try {
        if (fetch.from(peer, want)) {
          fetched.add(want);
        }
      } catch (IOException | RuntimeException e) {
        log.debug("offered update not fetched yet from={} update={} reason=\"{}\"", peer, want, e.getMessage());
      }
      done = want;
    }
  }

  /**
   * Round {@code round} is decided, committing to the blobs {@code kept}: forgets the offers for it
   * and earlier rounds, and deletes the updates fetched for them that are neither kept nor offered
   * for a later round.
   */
  void decided(long round, Set<ContentId> kept) {
    Set<ContentId> later = new HashSet<>();
    Set<ContentId> done = new HashSet<>();
    for (var e : byRound.entrySet()) {
      for (Set<ContentId> ids : e.getValue().values()) {
        synchronized (ids) {
          (e.getKey() > round ? later : done).addAll(ids);
        }
      }
    }
    byRound.keySet().removeIf(r -> r <= round);
    for (ContentId id : done) {
      if (!later.contains(id) && fetched.remove(id) && !kept.contains(id)) {
        try {
          delete.blob(id);
        } catch (IOException e) {
          log.warn("offered update not deleted update={} reason=\"{}\"", id, e.getMessage());
        }
      }
    }
  }
}
