package dev.shoal.app;

import dev.shoal.ledger.Checkpoint;
import dev.shoal.ledger.QuorumCheckpoint;
import dev.shoal.peer.Acceptor;
import dev.shoal.peer.Ballot;
import dev.shoal.peer.Decision;
import dev.shoal.peer.Promise;
import dev.shoal.peer.Vote;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A swarm peer as proposer: when its turn in a round comes (in turn by rank among the members heard
 * from lately, any member after a wait), it runs one Paxos attempt at deciding the round, asking
 * the electorate's promises, then their votes and cosignatures on the entry, and tells every peer
 * the decision a quorum of them gives. Its own promise, vote and decision come from the peer's
 * serving side, as any other member's would.
 */
final class SwarmProposer {

  private static final Logger log = LoggerFactory.getLogger(SwarmProposer.class);

  private final Swarm.Settings settings;
  private final Acceptor acceptor;
  private final SwarmLedger ledger;
  private final SwarmEntries entries;
  private final PeerDirectory peers;
  private final Clock clock;
  private final Swarm swarm;
  private volatile Ballot highest = Ballot.NONE;
  private volatile Instant roundStart;
  private volatile Instant nextAttempt = Instant.EPOCH;

  /** @param swarm this peer: its offers, and its own promise, vote and decision */
  SwarmProposer(Swarm.Settings settings, Acceptor acceptor, SwarmLedger ledger, SwarmEntries entries,
      PeerDirectory peers, Clock clock, Swarm swarm) {
    this.settings = settings;
    this.acceptor = acceptor;
    this.ledger = ledger;
    this.entries = entries;
    this.peers = peers;
    this.clock = clock;
    this.swarm = swarm;
    this.roundStart = clock.instant();
  }

  /** The wait for the members' updates starts again now. */
  void roundStarted() {
    roundStart = clock.instant();
  }

  /** A round was decided: the wait for the next round's updates starts now, and so may a proposal. */
  void decided() {
    roundStart = clock.instant();
    nextAttempt = Instant.EPOCH;
  }

  /** Proposes round {@code r} if it is this peer's turn, and no earlier attempt's pause is still running. */
  void maybePropose(long r) {
    Instant now = clock.instant();
    if (now.isBefore(nextAttempt)) {
      return;
    }
    List<String> electorate = r == 0 ? foundersKnown() : new ArrayList<>(ledger.last().orElseThrow().members().keySet());
    if (r == 0 && electorate.size() < settings.peers()) {
      return;
    }
    electorate.sort(null);
    if (!electorate.contains(settings.name())) {
      return;
    }
    // the members take turns by round; members not heard from lately are passed over, so that a
    // dead or cut-off member's turn does not hold the round up
    List<String> turns = new ArrayList<>();
    Set<String> alive = aliveAmong(electorate);
    for (int i = 0; i < electorate.size(); i++) {
      String m = electorate.get((int) ((r + i) % electorate.size()));
      if (alive.contains(m)) {
        turns.add(m);
      }
    }
    int rank = turns.indexOf(settings.name());
    Duration waited = Duration.between(roundStart, now);
    boolean everyoneIn = r == 0 || swarm.offersIn(r).keySet().containsAll(aliveAmong(electorate));
    boolean turn = rank == 0 ? everyoneIn || waited.compareTo(settings.collect()) > 0
        : waited.compareTo(settings.collect().plus(settings.collect().dividedBy(4).multipliedBy(rank))) > 0;
    if (!turn) {
      return;
    }
    log.info("proposing peer={} round={} rank={} waited_ms={} offers={} alive={}", settings.name(), r, rank,
        waited.toMillis(), r == 0 ? "-" : swarm.offersIn(r).keySet(), aliveAmong(electorate));
    try {
      propose(r);
    } catch (IOException | RuntimeException e) {
      log.warn("proposal failed peer={} round={} reason=\"{}\"", settings.name(), r, e.getMessage());
    }
    // a later try, if this one did not decide the round, after a random pause (so two proposers stop meeting)
    nextAttempt = clock.instant().plus(settings.collect().dividedBy(4))
        .plusMillis(ThreadLocalRandom.current().nextLong(1 + settings.collect().toMillis() / 4));
  }

  private List<String> foundersKnown() {
    List<String> names = new ArrayList<>();
    names.add(settings.name());
    peers.known().stream().filter(k -> k.key().isPresent()).forEach(k -> names.add(k.name()));
    return names;
  }

  private Set<String> aliveAmong(List<String> members) {
    Set<String> alive = new HashSet<>(peers.alive(Swarm.ALIVE));
    alive.add(settings.name());
    alive.retainAll(members);
    return alive;
  }

  /** One Paxos attempt at deciding round {@code r}, as proposer. */
  private void propose(long r) throws IOException {
    Ballot ballot = max(highest, acceptor.promised(r)).next(settings.name());
    highest = ballot;
    List<String> acceptors = r == 0 ? foundersKnown() : new ArrayList<>(ledger.last().orElseThrow().members().keySet());
    int quorum = r == 0 ? Math.max(acceptors.size() / 2 + 1, settings.peers() / 2 + 1)
        : ledger.last().orElseThrow().quorum();
    Map<String, Promise> promises = fanOut(acceptors, name -> name.equals(settings.name())
        ? swarm.prepare(name, r, ballot) : peers.callPeer(name, l -> l.prepare(r, ballot)));
    Promise.Accepted prior = null;
    int granted = 0;
    for (Promise p : promises.values()) {
      highest = max(highest, p.promised());
      if (p.granted()) {
        granted++;
        if (p.accepted().isPresent() && (prior == null || p.accepted().get().ballot().compareTo(prior.ballot()) > 0)) {
          prior = p.accepted().get();
        }
      }
    }
    if (granted < quorum) {
      log.info("proposal not promised peer={} round={} ballot={} promised={} quorum={}", settings.name(), r, ballot,
          granted, quorum);
      return;
    }
    byte[] entry = prior != null ? prior.entry()
        : (r == 0 ? entries.genesis(acceptors) : entries.next(r, swarm.offersIn(r))).toJson();
    Checkpoint checkpoint = ledger.checkpointWith(entry);
    Map<String, String> electorate = ledger.electorate(ledger.entry(entry), settings.peers()).members();
    Map<String, Vote> votes = fanOut(acceptors, name -> name.equals(settings.name())
        ? swarm.accept(name, r, ballot, entry) : peers.callPeer(name, l -> l.accept(r, ballot, entry)));
    List<String> lines = new ArrayList<>();
    for (var v : new TreeMap<>(votes).entrySet()) {
      if (!v.getValue().accepted()) {
        log.info("entry not accepted peer={} round={} by={} reason=\"{}\"", settings.name(), r, v.getKey(),
            v.getValue().reason());
        continue;
      }
      try {
        QuorumCheckpoint.check(v.getValue().cosignature(), v.getKey(), checkpoint, electorate);
        lines.add(v.getValue().cosignature());
      } catch (IllegalArgumentException e) {
        log.warn("cosignature refused peer={} round={} by={} reason=\"{}\"", settings.name(), r, v.getKey(),
            e.getMessage());
      }
    }
    if (lines.size() < quorum) {
      log.info("entry not decided peer={} round={} ballot={} accepted={} quorum={}", settings.name(), r, ballot,
          lines.size(), quorum);
      return;
    }
    Decision d = new Decision(r, entry, QuorumCheckpoint.note(checkpoint, lines));
    swarm.decide(settings.name(), d);
    peers.tellAll("decision round=" + r, l -> l.decide(d));
  }

  private interface Call<T> {
    T on(String name) throws IOException;
  }

  /** Calls every named peer at once, and returns the answers that came within their deadlines. */
  private <T> Map<String, T> fanOut(List<String> names, Call<T> call) {
    Map<String, T> answers = new ConcurrentHashMap<>();
    List<Thread> threads = new ArrayList<>();
    for (String n : names) {
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          answers.put(n, call.on(n));
        } catch (IOException | RuntimeException e) {
          log.debug("call failed peer={} to={} reason=\"{}\"", settings.name(), n, e.getMessage());
        }
      }));
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return answers;
  }

  private static Ballot max(Ballot a, Ballot b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
