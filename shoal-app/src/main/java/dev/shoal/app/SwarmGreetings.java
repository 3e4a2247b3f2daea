package dev.shoal.app;

import dev.shoal.federation.Waits;
import dev.shoal.peer.Decision;
import dev.shoal.peer.PeerInfo;
import dev.shoal.peer.UpdateOffer;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A swarm peer's greetings, every second: it greets every address it knows, telling each how far
 * it is and learning the peers each knows, and offers its own update of the round again; in swarm
 * rounds it then catches up on the rounds some peer decided and it has not.
 */
final class SwarmGreetings {

  private static final Logger log = LoggerFactory.getLogger(SwarmGreetings.class);
  private static final Duration EVERY = Duration.ofSeconds(1);

  private final String name;
  private final PeerDirectory peers;
  private final SwarmLedger ledger;
  private final Swarm swarm;
  private volatile boolean stopping;

  /** @param swarm this peer: what it says of itself, its own offer, and where caught-up decisions go */
  SwarmGreetings(String name, PeerDirectory peers, SwarmLedger ledger, Swarm swarm) {
    this.name = name;
    this.peers = peers;
    this.ledger = ledger;
    this.swarm = swarm;
  }

  /** Starts greeting every second, on a virtual thread; interrupting it stops the greetings. */
  Thread start() {
    return Thread.ofVirtual().name("greetings").start(() -> Waits.every(EVERY, this::greet));
  }

  /** No catching up is started after this. */
  void stop() {
    stopping = true;
  }

  /** Greets every known address, telling each how far this peer is; then catches up, in swarm rounds. */
  void greet() {
    PeerInfo me = swarm.self();
    Map<String, Thread> calls = new HashMap<>();
    for (String address : peers.addresses()) {
      if (address.equals(me.address())) {
        continue;
      }
      calls.put(address, Thread.ofVirtual().start(() -> {
        try {
          List<PeerInfo> view = peers.call(address, l -> l.hello(me));
          if (!view.isEmpty()) {
            peers.heard(view.get(0));
            view.subList(1, view.size()).forEach(p -> peers.learn(p, false));
          }
          UpdateOffer mine = swarm.ownOffer();
          if (mine != null) {
            peers.call(address, l -> {
              l.offer(mine);
              return null;
            });
          }
        } catch (IOException | RuntimeException e) {
          log.debug("greeting failed peer={} to={} reason=\"{}\"", name, address, e.getMessage());
        }
      }));
    }
    for (Thread t : calls.values()) {
      try {
        t.join(Duration.ofSeconds(3));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (swarm.inSwarmRounds()) {
      catchUp();
    }
  }

  /**
   * Fetches, checks and keeps the rounds some peer decided and this one has not: from the peer
   * furthest ahead, or, when it does not answer or its decisions do not check, the next one.
   */
  private void catchUp() {
    for (PeerDirectory.Known k : peers.ahead(ledger.decided())) {
      if (stopping) {
        return;
      }
      long before = ledger.decided();
      try {
        for (Decision d : peers.callPeer(k.name(), l -> l.decisions(before + 1, 16))) {
          swarm.decide(k.name(), d);
        }
      } catch (IOException | RuntimeException e) {
        log.warn("catching up failed peer={} from={} reason=\"{}\"", name, k.name(), e.getMessage());
      }
      if (ledger.decided() > before) {
        log.info("caught up peer={} from={} decided={}", name, k.name(), ledger.decided());
        return;
      }
    }
  }
}
