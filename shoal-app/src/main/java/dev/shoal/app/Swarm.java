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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>This class trains, serves the other peers and keeps the rounds decided; {@link SwarmProposer}
 * proposes, {@link SwarmGreetings} greets the others and catches up.
 */
final class Swarm implements PeerPort, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Swarm.class);
  private static final Duration TICK = Duration.ofMillis(200);
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
  private final SwarmProposer proposer;
  private final SwarmGreetings greetings;
  private final Object state = new Object();
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
    this.maxBlobBytes = 2 * dev.shoal.tensor.Safetensors.encodedSize(initial) + (1 << 20);
    this.offered = new OfferedUpdates((peer, id) -> peers.fetchFrom(blobs, id, peer, maxBlobBytes), blobs::delete);
    this.entries = new SwarmEntries(settings, initial, cosigner.verifierKey(), blobs, ledger, peers, maxBlobBytes);
    this.proposer = new SwarmProposer(settings, acceptor, ledger, entries, peers, clock, this);
    this.greetings = new SwarmGreetings(settings.name(), peers, ledger, this);
  }

  /** Where the other peers reach this one; set once its server listens, before {@link #run}. */
  void listening(String address) {
    advertise = address;
  }

  /** Runs rounds until the last is decided here; greetings and catching up run beside. */
  void run() throws IOException {
    Thread greeting = startGreetings();
    try {
      long trained = -1;
      while (ledger.decided() < settings.rounds()) {
        long r = ledger.decided() + 1;
        if (r > 0 && trained < r) {
          train(r, ledger.model());
          trained = r;
        }
        proposer.maybePropose(r);
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
      greetings.stop();
      greeting.interrupt();
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

  /** Whether this peer decides rounds with the swarm, not gossiping. */
  boolean inSwarmRounds() {
    return gossipRound == null;
  }

  Thread startGreetings() {
    return greetings.start();
  }

  /** Greets every known peer now, as the greetings do every second ({@link SwarmGreetings#greet}). */
  void greet() {
    greetings.greet();
  }

  // ---- training ----------------------------------------------------------------------------

  UpdateOffer train(long r, ParameterSet global) throws IOException {
    FitOutcome out = trainer.fit(global, data.train(), FedAvg.clientConfig(fit, (int) r, settings.name()));
    ContentId id = blobs.putModel(out.parameters());
    UpdateOffer offer = new UpdateOffer(r, settings.name(), id, out.numExamples());
    offers.computeIfAbsent(r, k -> new ConcurrentHashMap<>()).put(settings.name(), offer);
    proposer.roundStarted(); // the wait for the others' updates starts once this peer's own is ready
    log.info("update offered peer={} round={} update={} cid={} examples={}", settings.name(), r, id, id.cid(),
        out.numExamples());
    peers.tellAll("offer round=" + r + " from=" + settings.name(), l -> l.offer(offer));
    return offer;
  }

  Map<String, UpdateOffer> offersIn(long r) {
    return offers.getOrDefault(r, Map.of());
  }

  /** This peer's own update for the round after the last it has done; null until it offers one. */
  UpdateOffer ownOffer() {
    return offersIn(progress() + 1).get(settings.name());
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
      proposer.decided();
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

  @Override
  public void close() throws IOException {
    greetings.stop();
    peers.close();
    ledger.close();
  }
}