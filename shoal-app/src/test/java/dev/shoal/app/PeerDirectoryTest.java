package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.peer.PeerInfo;
import dev.shoal.peer.PeerLink;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a peer believes of what other peers tell it about third peers. */
class PeerDirectoryTest {

  final PeerDirectory directory = new PeerDirectory("peer-0", List.of("10.0.0.1:7480"), address -> {
    throw new IOException("no dialling here");
  }, Clock.fixed(Instant.parse("2026-12-05T00:00:00Z"), ZoneOffset.UTC), 8);

  @Test
  void aRelayedClaimOfBeingFarAheadDoesNotMakeAPeerTheOneToCatchUpFrom() {
    directory.learn(new PeerInfo("ghost", "10.9.9.9:7480", "", 1_000_000_000L), false);
    assertThat(directory.get("ghost")).hasValueSatisfying(k -> assertThat(k.decided()).isEqualTo(PeerDirectory.UNHEARD));
    assertThat(directory.ahead(5)).isEmpty();

    // what a peer says of itself counts: on its own call, or answering this peer's greeting
    directory.learn(new PeerInfo("peer-1", "10.0.0.2:7480", "key-1", 9), true);
    directory.heard(new PeerInfo("peer-2", "10.0.0.3:7480", "", 12));
    directory.heard(new PeerInfo("peer-3", "10.0.0.4:7480", "", 4));
    assertThat(directory.ahead(5)).extracting(PeerDirectory.Known::name).containsExactly("peer-2", "peer-1");
  }

  @Test
  void aFloodOfRelayedNamesTakesOnlyTheRoomThereIs() {
    for (int i = 0; i < 10_000; i++) {
      directory.learn(new PeerInfo("ghost-" + i, "10.9." + i / 250 + "." + i % 250 + ":7480", "", 0), false);
    }
    assertThat(directory.known()).hasSize(8);
    assertThat(directory.addresses()).as("the bootstrap address and the 8 taken").hasSize(9);

    directory.learn(new PeerInfo("peer-1", "10.0.0.2:7480", "key-1", 3), true);
    assertThat(directory.key("peer-1")).as("a peer that greets this one itself is taken all the same").hasValue("key-1");
  }

  @Test
  void tellingAllReachesEveryPeerThatAnswersAndDialsAFailedOneAnewNextTime() throws Exception {
    Map<String, AtomicInteger> dials = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> told = new ConcurrentHashMap<>();
    Set<String> closed = ConcurrentHashMap.newKeySet();
    PeerDirectory peers = new PeerDirectory("peer-0", List.of(), address -> {
      dials.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
      return (PeerLink) Proxy.newProxyInstance(PeerLink.class.getClassLoader(), new Class<?>[] {PeerLink.class},
          (proxy, method, args) -> switch (method.getName()) {
            case "close" -> {
              closed.add(address);
              yield null;
            }
            case "decide" -> {
              if (address.startsWith("10.0.0.3")) {
                throw new IOException("connection refused");
              }
              told.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
              yield null;
            }
            default -> throw new UnsupportedOperationException(method.getName());
          });
    }, Clock.systemUTC(), 8);
    for (int i = 1; i <= 3; i++) {
      peers.learn(new PeerInfo("peer-" + i, "10.0.0." + i + ":7480", "", 0), true);
    }

    peers.tellAll("decision round=1", l -> l.decide(null));
    await(() -> told.size() == 2 && closed.contains("10.0.0.3:7480"));
    peers.tellAll("decision round=2", l -> l.decide(null));
    await(() -> told.values().stream().allMatch(n -> n.get() == 2) && dials.get("10.0.0.3:7480").get() == 2);

    assertThat(told.keySet()).containsExactlyInAnyOrder("10.0.0.1:7480", "10.0.0.2:7480");
    assertThat(dials).as("a link that answers is kept; the failed one is closed and dialled anew")
        .containsOnlyKeys("10.0.0.1:7480", "10.0.0.2:7480", "10.0.0.3:7480");
    assertThat(dials.get("10.0.0.1:7480").get()).isEqualTo(1);
    assertThat(closed).containsExactly("10.0.0.3:7480");
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("the peers were not all told within 10 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
