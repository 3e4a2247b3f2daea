package dev.shoal.app;

import dev.shoal.io.AtomicFile;
import dev.shoal.ledger.Checkpoint;
import dev.shoal.ledger.LedgerEntry;
import dev.shoal.ledger.LedgerLog;
import dev.shoal.ledger.MerkleTree;
import dev.shoal.ledger.QuorumCheckpoint;
import dev.shoal.ledger.SwarmRound;
import dev.shoal.peer.Decision;
import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A peer's copy of the swarm's ledger: entry {@code i} is round {@code i} ({@link SwarmRound}),
 * and for each size the checkpoint note that a quorum of members cosigned ({@code
 * checkpoints/SIZE.note}). A decided round is kept in this order: its model (blob store), its
 * note, its entry; so a peer killed at any step finds, started again, a ledger whose every entry
 * has its note and its model, and redoes the round it was in.
 */
final class SwarmLedger implements AutoCloseable {

  private final String run;
  private final String origin;
  private final LedgerLog log;
  private final BlobStore blobs;
  private final Path notes;
  private final List<byte[]> leaves = new ArrayList<>();
  private SwarmRound last;
  private ParameterSet model;

  private SwarmLedger(String run, LedgerLog log, BlobStore blobs, Path notes) {
    this.run = run;
    this.origin = Checkpoint.originFor(run);
    this.log = log;
    this.blobs = blobs;
    this.notes = notes;
  }

  /** The ledger in {@code dir} of swarm {@code run}. */
  static SwarmLedger open(Path dir, String run, BlobStore blobs) throws IOException {
    Path notes = dir.resolve("checkpoints");
    Files.createDirectories(notes);
    SwarmLedger l = new SwarmLedger(run, LedgerLog.open(dir), blobs, notes);
    for (long i = 0; i < l.log.size(); i++) {
      l.leaves.add(l.log.leafHash(i));
    }
    if (l.log.size() > 0) {
      if (!(LedgerEntry.parse(l.log.entry(l.log.size() - 1)) instanceof SwarmRound e)) {
        throw new UserError("the ledger in " + dir + " is not a swarm's ledger; give the peer a state directory of its own");
      }
      if (!e.run().equals(run)) {
        throw new UserError("the state directory holds swarm " + e.run() + ", and this job is swarm " + run
            + "; give the peer another --state-dir, or the job it was started with");
      }
      l.last = e;
      l.model = blobs.readModel(new ContentId(e.modelId()));
    }
    return l;
  }

  String run() {
    return run;
  }

  /** The last round decided here, {@code -1} before the genesis. */
  synchronized long decided() {
    return log.size() - 1;
  }

  synchronized Optional<SwarmRound> last() {
    return Optional.ofNullable(last);
  }

  /** The model of the last decided round. */
  synchronized ParameterSet model() {
    return model;
  }

  /** The checkpoint this ledger would have with {@code entry} appended. */
  synchronized Checkpoint checkpointWith(byte[] entry) {
    List<byte[]> all = new ArrayList<>(leaves);
    all.add(MerkleTree.leafHash(entry));
    return new Checkpoint(origin, all.size(), MerkleTree.root(all));
  }

  /** The current checkpoint and its note. */
  synchronized Optional<String> note() throws IOException {
    return log.size() == 0 ? Optional.empty() : Optional.of(readNote(log.size()));
  }

  /**
   * The members whose quorum decides the next round and how many make a quorum: the last round's
   * members; before the genesis, the genesis's own members, at least a majority of {@code
   * expected}.
   */
  synchronized Electorate electorate(SwarmRound next, int expected) {
    if (last == null) {
      return new Electorate(next.members(), Math.max(next.quorum(), expected / 2 + 1));
    }
    return new Electorate(last.members(), last.quorum());
  }

  record Electorate(Map<String, String> members, int quorum) {}

  /**
   * Checks a decision for the next round: its entry is the next round of this swarm and a quorum
   * of the electorate cosigned the checkpoint it gives.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  synchronized SwarmRound check(Decision d, int expected) {
    SwarmRound e = entry(d.entry());
    if (e.round() != decided() + 1) {
      throw new IllegalArgumentException("the decision is for round " + e.round() + ", and the next here is "
          + (decided() + 1));
    }
    Electorate electorate = electorate(e, expected);
    QuorumCheckpoint.verify(d.note(), checkpointWith(d.entry()), electorate.members(), electorate.quorum());
    return e;
  }

  /** Parses an entry of this swarm. */
  SwarmRound entry(byte[] json) {
    if (!(LedgerEntry.parse(json) instanceof SwarmRound e)) {
      throw new IllegalArgumentException("the entry is not a swarm round");
    }
    if (!e.run().equals(run)) {
      throw new IllegalArgumentException("the entry is of swarm " + e.run() + ", not of " + run);
    }
    return e;
  }

  /** Keeps a checked decision and its model, whose id must be the entry's. */
  synchronized void record(Decision d, SwarmRound e, ParameterSet decidedModel) throws IOException {
    ContentId id = blobs.putModel(decidedModel);
    if (!id.value().equals(e.modelId())) {
      throw new IllegalArgumentException("the model of round " + e.round() + " is " + id + ", and the entry names "
          + e.modelId());
    }
    AtomicFile.write(notes.resolve(log.size() + 1 + ".note"), d.note().getBytes(StandardCharsets.UTF_8));
    log.append(d.entry());
    leaves.add(MerkleTree.leafHash(d.entry()));
    last = e;
    model = decidedModel;
  }

  /**
   * Deletes the blobs no decided entry names (its model, the model it built on, its updates):
   * updates fetched for a round a crash left undecided, or left out of a decision before it could
   * delete them. For a peer starting again, before it serves; an undecided round's updates are
   * fetched again if it needs them.
   */
  synchronized BlobStore.Collected removeUnreferencedBlobs() throws IOException {
    Set<ContentId> keep = new HashSet<>();
    for (long i = 0; i < log.size(); i++) {
      SwarmRound e = (SwarmRound) LedgerEntry.parse(log.entry(i));
      keep.add(new ContentId(e.modelId()));
      keep.add(new ContentId(e.baseModelId()));
      e.updateCommitments().values().forEach(id -> keep.add(new ContentId(id)));
    }
    return blobs.retainOnly(keep);
  }

  /** Decided rounds from {@code from}, at most {@code max}. */
  synchronized List<Decision> decisions(long from, int max) throws IOException {
    List<Decision> out = new ArrayList<>();
    for (long i = Math.max(0, from); i < log.size() && out.size() < max; i++) {
      out.add(new Decision(i, log.entry(i), readNote(i + 1)));
    }
    return out;
  }

  /** What {@link #verify} found: the entries and the head checkpoint. */
  record Verified(long entries, Checkpoint head) {}

  /**
   * Checks a peer's ledger from its first entry with no outside key: every entry is a swarm round
   * of one swarm, in order, and every checkpoint is cosigned by a quorum of the membership the
   * entry before fixed (the genesis: of its own members).
   *
   * @throws UserError naming the first entry or checkpoint that fails
   */
  static Verified verify(Path dir) throws IOException {
    List<byte[]> entries = LedgerLog.read(dir).entries();
    List<byte[]> leaves = new ArrayList<>();
    SwarmRound previous = null;
    Checkpoint head = null;
    for (byte[] json : entries) {
      int i = leaves.size();
      try {
        if (!(LedgerEntry.parse(json) instanceof SwarmRound e) || e.round() != i
            || (previous != null && !previous.run().equals(e.run()))) {
          throw new IllegalArgumentException("it is not round " + i + " of the swarm");
        }
        leaves.add(MerkleTree.leafHash(json));
        head = new Checkpoint(Checkpoint.originFor(e.run()), leaves.size(), MerkleTree.root(leaves));
        SwarmRound electorate = previous == null ? e : previous;
        QuorumCheckpoint.verify(Files.readString(dir.resolve("checkpoints/" + leaves.size() + ".note"),
            StandardCharsets.UTF_8), head, electorate.members(), electorate.quorum());
        previous = e;
      } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
        throw new UserError("swarm ledger in " + dir + ": entry " + i + " fails: " + e.getMessage());
      }
    }
    return new Verified(entries.size(), head);
  }

  private String readNote(long size) throws IOException {
    return Files.readString(notes.resolve(size + ".note"), StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() throws IOException {
    log.close();
  }
}
