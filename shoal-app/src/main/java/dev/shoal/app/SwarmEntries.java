package dev.shoal.app;

import dev.shoal.ledger.SwarmRound;
import dev.shoal.peer.Decision;
import dev.shoal.peer.UpdateOffer;
import dev.shoal.store.BlobStore;
import dev.shoal.strategy.Metadata;
import dev.shoal.strategy.UpdateCheck;
import dev.shoal.strategy.UpdateRejectedException;
import dev.shoal.strategy.WeightedSum;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.SafetensorsFile;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A swarm round's ledger entry as this peer sees it: the entry it proposes (the genesis, or the
 * members' updates it holds folded on the last decided model, with the membership's joins and
 * evictions) and the check of an entry another peer proposes (same base, known keys, the same
 * model from the same updates). Each entry's fold is kept until the round is decided, so that the
 * proposer's fold serves its own vote and the decision.
 */
final class SwarmEntries {

  private static final Logger log = LoggerFactory.getLogger(SwarmEntries.class);

  private final Swarm.Settings settings;
  private final ParameterSet initial;
  private final String verifierKey;
  private final BlobStore blobs;
  private final SwarmLedger ledger;
  private final PeerDirectory peers;
  private final long maxBlobBytes;
  private final Map<String, ParameterSet> folded = new ConcurrentHashMap<>();

  /**
   * @param verifierKey this peer's cosigning key, as the genesis names it
   * @param maxBlobBytes the largest update or model fetched from another peer
   */
  SwarmEntries(Swarm.Settings settings, ParameterSet initial, String verifierKey, BlobStore blobs, SwarmLedger ledger,
      PeerDirectory peers, long maxBlobBytes) {
    this.settings = settings;
    this.initial = initial;
    this.verifierKey = verifierKey;
    this.blobs = blobs;
    this.ledger = ledger;
    this.peers = peers;
    this.maxBlobBytes = maxBlobBytes;
  }

  /** The genesis entry: this peer and the founders it knows with their keys, on the job's initial model. */
  SwarmRound genesis(List<String> founders) {
    Map<String, String> members = new TreeMap<>();
    members.put(settings.name(), verifierKey);
    for (String f : founders) {
      peers.key(f).ifPresent(k -> members.put(f, k));
    }
    String id = ContentId.of(initial).value();
    return new SwarmRound(ledger.run(), 0, id, id, List.of(), Map.of(), Map.of(), members);
  }

  /** The entry this peer proposes for round {@code r}: the members' updates of {@code offers} it holds, folded. */
  SwarmRound next(long r, Map<String, UpdateOffer> offers) throws IOException {
    SwarmRound last = ledger.last().orElseThrow();
    Map<String, String> commitments = new TreeMap<>();
    Map<String, Double> examples = new TreeMap<>();
    for (UpdateOffer o : new TreeMap<>(offers).values()) {
      if (!last.members().containsKey(o.peer())) {
        continue;
      }
      try {
        ensureBlob(o.update(), List.of(o.peer()));
        commitments.put(o.peer(), o.update().value());
        examples.put(o.peer(), (double) o.examples());
      } catch (IOException e) {
        log.warn("update left out peer={} round={} from={} reason=\"{}\"", settings.name(), r, o.peer(), e.getMessage());
      }
    }
    if (commitments.isEmpty()) {
      throw new IOException("no member's update for round " + r + " is here yet");
    }
    Map<String, String> members = new TreeMap<>(last.members());
    Set<String> alive = peers.alive(Swarm.ALIVE);
    for (var k : peers.known()) {
      // a peer that caught up and greeted this one itself joins; its first update counts from the next round
      if (!members.containsKey(k.name()) && alive.contains(k.name()) && k.key().isPresent() && k.decided() == r - 1) {
        members.put(k.name(), k.key().get());
      }
    }
    for (String m : List.copyOf(members.keySet())) {
      if (!m.equals(settings.name()) && last.members().containsKey(m) && missedRounds(m, commitments) >= settings.evictAfter()) {
        members.remove(m);
      }
    }
    List<String> participants = List.copyOf(commitments.keySet());
    SwarmRound draft = new SwarmRound(ledger.run(), r, last.modelId(), last.modelId(), participants, commitments,
        examples, members);
    ParameterSet model = fold(draft);
    SwarmRound entry = new SwarmRound(ledger.run(), r, last.modelId(), ContentId.of(model).value(), participants,
        commitments, examples, members);
    folded.put(ContentId.of(entry.toJson()).value(), model);
    return entry;
  }

  /** How many rounds in a row, this one included, member {@code m} has had no update in. */
  private int missedRounds(String m, Map<String, String> thisRound) throws IOException {
    if (thisRound.containsKey(m)) {
      return 0;
    }
    int missed = 1;
    List<Decision> recent = ledger.decisions(ledger.decided() - settings.evictAfter() + 2, settings.evictAfter());
    for (int i = recent.size() - 1; i >= 0; i--) {
      SwarmRound e = ledger.entry(recent.get(i).entry());
      if (e.round() == 0 || e.participants().contains(m) || !e.members().containsKey(m)) {
        break;
      }
      missed++;
    }
    return missed;
  }

  /** The FedAvg fold of an entry's updates on the last decided model: as a coordinator's round would give. */
  private ParameterSet fold(SwarmRound e) throws IOException {
    ParameterSet base = ledger.model();
    WeightedSum sum = new WeightedSum(base);
    for (String p : e.participants()) {
      ContentId id = new ContentId(e.updateCommitments().get(p));
      ensureBlob(id, List.of(p));
      SafetensorsFile update = blobs.openModel(id);
      long n = e.examples().get(p).longValue();
      try {
        UpdateCheck.check(base, update, n);
      } catch (UpdateRejectedException ex) {
        throw new IllegalArgumentException("the update of " + p + " (" + id + ") is refused: " + ex.getMessage());
      }
      sum.add(update, n);
    }
    return sum.mean(Metadata.forRound(base.metadata(), (int) e.round()));
  }

  /** Fetches blob {@code id} from one of {@code holders} unless it is here, refusing one above the size bound. */
  void ensureBlob(ContentId id, List<String> holders) throws IOException {
    peers.fetch(blobs, id, holders, maxBlobBytes);
  }

  /**
   * Checks a proposed entry as this peer would have built it: same base, known keys, the same model
   * from the same updates.
   */
  void check(SwarmRound e) throws IOException {
    if (e.round() == 0) {
      String id = ContentId.of(initial).value();
      if (!e.modelId().equals(id) || !e.baseModelId().equals(id)) {
        throw new IllegalArgumentException("the genesis starts from model " + e.modelId() + ", and this peer's job gives "
            + id + ": the peers were started with different jobs");
      }
      if (e.members().size() < settings.peers()) {
        throw new IllegalArgumentException("the genesis has " + e.members().size() + " members, and the job expects "
            + settings.peers());
      }
    }
    Map<String, String> before = ledger.last().map(SwarmRound::members).orElse(Map.of());
    for (var m : e.members().entrySet()) {
      String known = before.containsKey(m.getKey()) ? before.get(m.getKey())
          : m.getKey().equals(settings.name()) ? verifierKey : peers.key(m.getKey()).orElse(null);
      if (!m.getValue().equals(known)) {
        throw new IllegalArgumentException(known == null
            ? "member " + m.getKey() + " has not greeted this peer, which cannot vouch for its key"
            : "the key of member " + m.getKey() + " is not the one it gave");
      }
    }
    if (e.round() == 0) {
      return;
    }
    SwarmRound last = ledger.last().orElseThrow();
    if (!e.baseModelId().equals(last.modelId())) {
      throw new IllegalArgumentException("the entry builds on model " + e.baseModelId() + ", and round " + last.round()
          + " gave " + last.modelId());
    }
    for (String p : e.participants()) {
      if (!last.members().containsKey(p)) {
        throw new IllegalArgumentException(p + " is not a member, and its update cannot count");
      }
    }
    String key = ContentId.of(e.toJson()).value();
    ParameterSet model = folded.get(key);
    if (model == null) {
      model = fold(e);
    }
    String id = ContentId.of(model).value();
    if (!id.equals(e.modelId())) {
      throw new IllegalArgumentException("the updates fold to model " + id + " here, and the entry names " + e.modelId());
    }
    folded.put(key, model);
  }

  /** The model of decision {@code d}'s entry {@code e}: folded here already, or fetched from {@code holder}. */
  ParameterSet model(Decision d, SwarmRound e, String holder) throws IOException {
    ParameterSet model = folded.get(ContentId.of(d.entry()).value());
    if (model != null) {
      return model;
    }
    ContentId id = new ContentId(e.modelId());
    ensureBlob(id, List.of(holder));
    return blobs.readModel(id);
  }

  /** Forgets the folds of the round just decided. */
  void clear() {
    folded.clear();
  }
}
