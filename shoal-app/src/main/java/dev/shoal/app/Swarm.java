package dev.shoal.app;

import dev.shoal.data.FederatedData;
import dev.shoal.federation.Waits;
import dev.shoal.ledger.Checkpoint;
import dev.shoal.ledger.Cosigner;
import dev.shoal.ledger.QuorumCheckpoint;
import dev.shoal.ledger.SwarmRound;
import dev.shoal.peer.Acceptor;
import dev.shoal.peer.Ballot;
import dev.shoal.peer.Decision;
import dev.shoal.peer.PeerInfo;
import dev.shoal.peer.PeerPort;
import dev.shoal.peer.Promise;
import dev.shoal.peer.UpdateOffer;
import dev.shoal.peer.Vote;
import dev.shoal.store.BlobStore;
import dev.shoal.strategy.FedAvg;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer of a serverless federation, in swarm rounds. Each round every member trains on the last
 * decided model and offers its update; a proposer (in turn by rank, any member after a wait) puts
 * the updates it holds into the round's ledger entry, with the model their FedAvg fold gives; the
 * members decide that entry by single-decree Paxos, each accepting only after folding the same
 * updates itself and getting the same model id, and cosigning the checkpoint of its ledger with
 * the entry. A quorum (majority of the members) of cosignatures under one ballot decides the
 * round; every peer checks them before it appends the entry. See docs/peer-to-peer.md.
 */
final class Swarm implements PeerPort, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Swarm.class);
  private static final Duration TICK = Duration.ofMillis(200);
  private static final Duration GREETINGS = Duration.ofSeconds(1);
  static final Duration ALIVE = Duration.ofSeconds(4);
  static final Duration LINGER = Duration.ofSeconds(90);

  /**
   * @param peers how many founding members the genesis needs
   * @param collect how long the first proposer waits for the members' updates
   * @param evictAfter a member with no update in this many rounds in a row leaves the membership
   */
  record Settings(String name, int peers, int rounds, Duration collect, int evictAfter) {}

  private final Settings settings;
  private final Trainer trainer;
  private final FitConfig fit;
  private final FederatedData data;
  private final ParameterSet initial;
  private final Cosigner cosigner;
  private final Acceptor acceptor;
  private final BlobStore blobs;
  private final SwarmLedger ledger;
  private final PeerDirectory peers;
  private final PrintStream console;
  private final Clock clock = Clock.systemUTC();
  private final Map<Long, Map<String, UpdateOffer>> offers = new ConcurrentHashMap<>();
  private final OfferedUpdates offered;
  private final SwarmEntries entries;
  private final Object state = new Object();
  private volatile Ballot highest = Ballot.NONE;
  private volatile Instant roundStart;
  private volatile Instant nextAttempt = Instant.EPOCH;
  private volatile boolean stopping;
  private volatile java.util.function.LongSupplier gossipRound;
  private volatile String advertise = "";
  /** An update or a model is at most this large: twice the initial model's file, and 1 MiB. */
  private final long maxBlobBytes;

  Swarm(Settings settings, Trainer trainer, FitConfig fit, FederatedData data, ParameterSet initial, Cosigner cosigner,
      Acceptor acceptor, BlobStore blobs, SwarmLedger ledger, PeerDirectory peers, PrintStream console) {
    this.settings = settings;
    this.trainer = trainer;
    this.fit = fit;
    this.data = data;
    this.initial = initial;
    this.cosigner = cosigner;
    this.acceptor = acceptor;
    this.blobs = blobs;
    this.ledger = ledger;
    this.peers = peers;
    this.console = console;
    this.roundStart = clock.instant();
    this.maxBlobBytes = 2 * dev.shoal.tensor.Safetensors.encodedSize(initial) + (1 << 20);
    this.offered = new OfferedUpdates((peer, id) -> peers.fetchFrom(blobs, id, peer, maxBlobBytes), blobs::delete);
    this.entries = new SwarmEntries(settings, initial, cosigner.verifierKey(), blobs, ledger, peers, maxBlobBytes);
  }

  /** Where the other peers reach this one; set once its server listens, before {@link #run}. */
  void listening(String address) {
    advertise = address;
  }

  /** Runs rounds until the last is decided here; greetings and catching up run beside. */
  void run() throws IOException {
    Thread greetings = startGreetings();
    try {
      long trained = -1;
      while (ledger.decided() < settings.rounds()) {
        long r = ledger.decided() + 1;
        if (r > 0 && trained < r) {
          train(r, ledger.model());
          trained = r;
        }
        maybePropose(r);
        Waits.sleep(TICK);
      }
      String model = ledger.last().orElseThrow().modelId();
      console.printf("peer %s: round %d decided, the swarm's run is over; model %s (CID %s)%n", settings.name(),
          ledger.decided(), model, new ContentId(model).cid());
      // tell every peer at once that this one is done: one that last heard it a round earlier would
      // otherwise wait the whole linger for news of it after it stopped
      greet();
      // go on serving, so that peers still behind (cut off or restarting, too) find the last rounds here
      Waits.whileTrue(() -> peers.known().stream().anyMatch(k -> k.decided() < settings.rounds()), LINGER);
    } finally {
      stopping = true;
      greetings.interrupt();
    }
  }

  PeerInfo self() {
    return new PeerInfo(settings.name(), advertise, cosigner.verifierKey(), progress());
  }

  /** The last round done here: decided in swarm rounds, averaged in gossip mode. */
  private long progress() {
    return gossipRound != null ? gossipRound.getAsLong() : ledger.decided();
  }


  /**
   * Gossip mode ({@link GossipRounds}) instead of swarm rounds: this peer's exchange (greetings,
   * offers, fetching) serves gossip, and tells others the gossip round it has done.
   */
  void gossiping(java.util.function.LongSupplier round) {
    gossipRound = round;
  }

  Thread startGreetings() {
    return Thread.ofVirtual().name("greetings").start(() -> Waits.every(GREETINGS, this::greet));
  }

  // ---- training ----------------------------------------------------------------------------

  UpdateOffer train(long r, ParameterSet global) throws IOException {
    FitOutcome out = trainer.fit(global, data.train(), FedAvg.clientConfig(fit, (int) r, settings.name()));
    ContentId id = blobs.putModel(out.parameters());
    UpdateOffer offer = new UpdateOffer(r, settings.name(), id, out.numExamples());
    offers.computeIfAbsent(r, k -> new ConcurrentHashMap<>()).put(settings.name(), offer);
    roundStart = clock.instant(); // the wait for the others' updates starts once this peer's own is ready
    log.info("update offered peer={} round={} update={} cid={} examples={}", settings.name(), r, id, id.cid(),
        out.numExamples());
    for (var k : peers.known()) {
      Thread.ofVirtual().start(() -> {
        try {
          peers.call(k.address(), l -> {
            l.offer(offer);
            return null;
          });
        } catch (IOException e) {
          log.debug("offer not delivered peer={} to={} reason=\"{}\"", settings.name(), k.name(), e.getMessage());
        }
      });
    }
    return offer;
  }

  // ---- proposing ---------------------------------------------------------------------------

  private void maybePropose(long r) {
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
    boolean everyoneIn = r == 0 || offersIn(r).keySet().containsAll(aliveAmong(electorate));
    boolean turn = rank == 0 ? everyoneIn || waited.compareTo(settings.collect()) > 0
        : waited.compareTo(settings.collect().plus(settings.collect().dividedBy(4).multipliedBy(rank))) > 0;
    if (!turn) {
      return;
    }
    log.info("proposing peer={} round={} rank={} waited_ms={} offers={} alive={}", settings.name(), r, rank,
        waited.toMillis(), r == 0 ? "-" : offersIn(r).keySet(), aliveAmong(electorate));
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
    Set<String> alive = new java.util.HashSet<>(peers.alive(ALIVE));
    alive.add(settings.name());
    alive.retainAll(members);
    return alive;
  }

  Map<String, UpdateOffer> offersIn(long r) {
    return offers.getOrDefault(r, Map.of());
  }

  /** One Paxos attempt at deciding round {@code r}, as proposer. */
  private void propose(long r) throws IOException {
    Ballot ballot = max(highest, acceptor.promised(r)).next(settings.name());
    highest = ballot;
    List<String> acceptors = r == 0 ? foundersKnown() : new ArrayList<>(ledger.last().orElseThrow().members().keySet());
    int quorum = r == 0 ? Math.max(acceptors.size() / 2 + 1, settings.peers() / 2 + 1)
        : ledger.last().orElseThrow().quorum();
    Map<String, Promise> promises = fanOut(acceptors, name -> name.equals(settings.name())
        ? prepare(name, r, ballot) : peers.callPeer(name, l -> l.prepare(r, ballot)));
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
        : (r == 0 ? entries.genesis(acceptors) : entries.next(r, offersIn(r))).toJson();
    Checkpoint checkpoint = ledger.checkpointWith(entry);
    Map<String, String> electorate = ledger.electorate(ledger.entry(entry), settings.peers()).members();
    Map<String, Vote> votes = fanOut(acceptors, name -> name.equals(settings.name())
        ? accept(name, r, ballot, entry) : peers.callPeer(name, l -> l.accept(r, ballot, entry)));
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
    decide(settings.name(), d);
    for (var k : peers.known()) {
      Thread.ofVirtual().start(() -> {
        try {
          peers.call(k.address(), l -> {
            l.decide(d);
            return null;
          });
        } catch (IOException e) {
          log.debug("decision not delivered round={} to={} reason=\"{}\"", r, k.name(), e.getMessage());
        }
      });
    }
  }

  /** Fetches blob {@code id} from one of {@code holders} unless it is here (for gossip rounds). */
  void ensureBlob(ContentId id, List<String> holders) throws IOException {
    entries.ensureBlob(id, holders);
  }

  // ---- serving -----------------------------------------------------------------------------

  @Override
  public List<PeerInfo> hello(String caller, PeerInfo info) {
    if (!caller.equals(info.name())) {
      throw new SecurityException("the greeting names " + info.name() + ", and the caller's certificate " + caller);
    }
    peers.learn(info, true);
    List<PeerInfo> view = new ArrayList<>();
    view.add(self());
    view.addAll(peers.infos());
    return view;
  }

  @Override
  public void offer(String caller, UpdateOffer offer) {
    if (!caller.equals(offer.peer())) {
      throw new SecurityException("the offer names " + offer.peer() + ", and the caller's certificate " + caller);
    }
    long next = progress() + 1;
    if (offer.round() < next || offer.round() > next + 1) {
      return; // an old round's, or one too far ahead to be genuine: never kept
    }
    if (!offered.offered(offer)) {
      log.warn("offer refused peer={} from={} round={} update={} reason=\"more than {} different updates offered for the round\"",
          settings.name(), offer.peer(), offer.round(), offer.update(), OfferedUpdates.MAX_PER_ROUND);
      return;
    }
    offers.computeIfAbsent(offer.round(), k -> new ConcurrentHashMap<>()).put(offer.peer(), offer);
  }

  @Override
  public Promise prepare(String caller, long round, Ballot ballot) throws IOException {
    checkProposer(caller, round, ballot);
    return acceptor.prepare(round, ballot);
  }

  @Override
  public Vote accept(String caller, long round, Ballot ballot, byte[] entry) throws IOException {
    checkProposer(caller, round, ballot);
    if (ballot.compareTo(acceptor.promised(round)) < 0) {
      return Vote.refused("ballot " + ballot + " is below the promised " + acceptor.promised(round));
    }
    synchronized (state) {
      SwarmRound e;
      try {
        e = ledger.entry(entry);
        entries.check(e);
      } catch (IllegalArgumentException | IOException ex) {
        log.warn("entry refused peer={} round={} proposer={} reason=\"{}\"", settings.name(), round, caller,
            ex.getMessage());
        return Vote.refused(ex.getMessage());
      }
      Optional<String> refused = acceptor.accept(round, ballot, entry);
      if (refused.isPresent()) {
        return Vote.refused(refused.get());
      }
      Checkpoint checkpoint = ledger.checkpointWith(entry);
      return new Vote(true, QuorumCheckpoint.cosign(cosigner, checkpoint, clock.instant().getEpochSecond()), "");
    }
  }

  private void checkProposer(String caller, long round, Ballot ballot) {
    if (!caller.equals(ballot.proposer())) {
      throw new SecurityException("the ballot names proposer " + ballot.proposer() + ", and the caller's certificate "
          + caller);
    }
    if (round != ledger.decided() + 1) {
      throw new IllegalStateException("peer " + settings.name() + " is at round " + (ledger.decided() + 1)
          + ", not " + round);
    }
    if (round > 0 && !ledger.last().orElseThrow().members().containsKey(caller)) {
      throw new SecurityException(caller + " is not a member of the swarm; it joins once it has caught up");
    }
  }

  @Override
  public void decide(String caller, Decision d) throws IOException {
    synchronized (state) {
      if (d.round() != ledger.decided() + 1) {
        return; // an old one, or one this peer catches up to in order
      }
      SwarmRound e = ledger.check(d, settings.peers());
      ParameterSet model = e.round() == 0 ? initial : entries.model(d, e, caller);
      ledger.record(d, e, model);
      entries.clear();
      offers.keySet().removeIf(r -> r <= e.round());
      Set<ContentId> kept = e.updateCommitments().values().stream().map(ContentId::new).collect(Collectors.toCollection(HashSet::new));
      kept.add(new ContentId(e.modelId()));
      offered.decided(e.round(), kept);
      roundStart = clock.instant();
      nextAttempt = Instant.EPOCH;
      report(e, model);
    }
  }

  private void report(SwarmRound e, ParameterSet model) {
    if (e.round() == 0) {
      console.printf("peer %s: swarm %s founded by %s, model %s%n", settings.name(), e.run(), e.members().keySet(),
          e.modelId());
      return;
    }
    var eval = trainer.evaluate(trainer.complete(model), data.test());
    console.printf("peer %s: round %d decided, %d updates %s, model %s, %d members; accuracy %.4f on %d local test examples%n",
        settings.name(), e.round(), e.participants().size(), e.participants(), e.modelId().substring(0, 19),
        e.members().size(), eval.accuracy(), eval.numExamples());
    log.info("round decided peer={} round={} model={} participants={} members={} accuracy={}", settings.name(),
        e.round(), e.modelId(), e.participants().size(), e.members().size(), eval.accuracy());
  }

  @Override
  public List<Decision> decisions(long from, int max) throws IOException {
    return ledger.decisions(from, max);
  }

  // ---- greetings and catching up ------------------------------------------------------------

  /** Greets every known address, telling each how far this peer is; then catches up, in swarm rounds. */
  void greet() {
    PeerInfo me = self();
    Map<String, Thread> calls = new HashMap<>();
    for (String address : peers.addresses()) {
      if (address.equals(advertise)) {
        continue;
      }
      calls.put(address, Thread.ofVirtual().start(() -> {
        try {
          List<PeerInfo> view = peers.call(address, l -> l.hello(me));
          if (!view.isEmpty()) {
            peers.heard(view.get(0));
            view.subList(1, view.size()).forEach(p -> peers.learn(p, false));
          }
          UpdateOffer mine = offersIn(progress() + 1).get(settings.name());
          if (mine != null) {
            peers.call(address, l -> {
              l.offer(mine);
              return null;
            });
          }
        } catch (IOException | RuntimeException e) {
          log.debug("greeting failed peer={} to={} reason=\"{}\"", settings.name(), address, e.getMessage());
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
    if (gossipRound == null) {
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
          decide(k.name(), d);
        }
      } catch (IOException | RuntimeException e) {
        log.warn("catching up failed peer={} from={} reason=\"{}\"", settings.name(), k.name(), e.getMessage());
      }
      if (ledger.decided() > before) {
        log.info("caught up peer={} from={} decided={}", settings.name(), k.name(), ledger.decided());
        return;
      }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

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

  @Override
  public void close() throws IOException {
    stopping = true;
    peers.close();
    ledger.close();
  }
}
