package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.peer.UpdateOffer;
import dev.shoal.tensor.ContentId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OfferedUpdatesTest {

  final List<ContentId> fetches = new CopyOnWriteArrayList<>();
  final List<ContentId> deleted = new CopyOnWriteArrayList<>();
  final Set<ContentId> alreadyHere = new java.util.concurrent.CopyOnWriteArraySet<>();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger mostAtOnce = new AtomicInteger();
  final CountDownLatch release = new CountDownLatch(1);
  volatile CountDownLatch firstStarted = new CountDownLatch(1);

  final OfferedUpdates offered = new OfferedUpdates((peer, id) -> {
    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      fetches.add(id);
      firstStarted.countDown();
      release.await(10, TimeUnit.SECONDS);
      return !alreadyHere.contains(id);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    } finally {
      running.decrementAndGet();
    }
  }, deleted::add);

  @Test
  void aFloodOfOffersFromOnePeerFetchesOneAtATimeAndOnlyTheLatest() throws Exception {
    assertThat(offered.offered(offer(1, "peer-1", "a"))).isTrue();
    assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    // while the first fetch runs: another update for round 1, a third one, the first again, then a
    // flood for round 2
    assertThat(offered.offered(offer(1, "peer-1", "b"))).isTrue();
    assertThat(offered.offered(offer(1, "peer-1", "c"))).as("a third update for round 1").isFalse();
    assertThat(offered.offered(offer(1, "peer-1", "a"))).as("offering an update again").isTrue();
    int taken = 0;
    for (int i = 0; i < 1_000; i++) {
      taken += offered.offered(offer(2, "peer-1", "flood-" + i)) ? 1 : 0;
    }
    assertThat(taken).as("different updates taken for round 2").isEqualTo(OfferedUpdates.MAX_PER_ROUND);
    release.countDown();
    awaitFetches(2);
    Thread.sleep(200);
    assertThat(fetches).as("the first, then the latest taken when it ended").containsExactly(id("a"), id("flood-1"));
    assertThat(mostAtOnce.get()).isEqualTo(1);
  }

  @Test
  void offersFromDifferentPeersAreFetchedSideBySide() throws Exception {
    offered.offered(offer(1, "peer-1", "a"));
    assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    offered.offered(offer(1, "peer-2", "b"));
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (fetches.size() < 2 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(mostAtOnce.get()).isEqualTo(2);
    release.countDown();
  }

  @Test
  void aDecidedRoundDeletesTheUpdatesFetchedForItThatItDoesNotCommit() throws Exception {
    release.countDown();
    alreadyHere.add(id("here-before"));
    offered.offered(offer(1, "peer-1", "committed"));
    awaitFetches(1);
    offered.offered(offer(1, "peer-2", "left-out"));
    awaitFetches(2);
    offered.offered(offer(1, "peer-3", "here-before"));
    awaitFetches(3);
    offered.offered(offer(2, "peer-4", "next-round"));
    awaitFetches(4);
    offered.offered(offer(1, "peer-5", "next-round"));
    Thread.sleep(200);

    offered.decided(1, Set.of(id("committed")));
    assertThat(deleted).as("not committed, fetched here, not offered for round 2").containsExactly(id("left-out"));

    offered.decided(2, Set.of());
    assertThat(deleted).containsExactly(id("left-out"), id("next-round"));
    // a round decided again (or later) finds nothing left to delete
    offered.decided(3, Set.of());
    assertThat(deleted).hasSize(2);
  }

  private void awaitFetches(int n) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (fetches.size() < n && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertThat(fetches).hasSizeGreaterThanOrEqualTo(n);
  }

  static UpdateOffer offer(long round, String peer, String update) {
    return new UpdateOffer(round, peer, id(update), 100);
  }

  static ContentId id(String name) {
    return ContentId.of(name.getBytes(StandardCharsets.UTF_8));
  }
}
