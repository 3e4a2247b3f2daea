package dev.shoal.app;

import java.util.TreeMap;
import java.util.Map;
import dev.shoal.ledger.NoteSignature;
import dev.shoal.ledger.SignedNote;
import dev.shoal.ledger.VerifiedCheckpoint;
import dev.shoal.ledger.Checkpoint;
import dev.shoal.ledger.CheckpointPolicy;
import dev.shoal.ledger.Ed25519NoteVerifier;
import dev.shoal.ledger.LedgerCorruptedException;
import dev.shoal.ledger.LedgerEntry;
import dev.shoal.ledger.LedgerLog;
import dev.shoal.ledger.MerkleTree;
import dev.shoal.ledger.NoteVerificationException;
import dev.shoal.ledger.NoteVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A run's ledger, read without changing it and checked end to end: every entry's record and
 * canonical form, every checkpoint's signature, size and root against the entries, and the
 * consistency of each checkpoint with the one before. The first problem found is a {@link
 * UserError} naming the entry or checkpoint.
 *
 * @param entries the log's entries, as stored
 * @param leafHashes their RFC 9162 leaf hashes
 * @param checkpoints the signed checkpoints, by size
 * @param notes the checkpoints' signed note texts, in the same order
 * @param key the log's public key
 * @param notices what a reader should know that is not an error (a crash's traces)
 */
record LedgerCheck(List<byte[]> entries, List<byte[]> leafHashes, List<Checkpoint> checkpoints, List<String> notes,
    Ed25519NoteVerifier key, Map<String, Long> cosigned, List<String> notices) {

  /** Reads and checks the ledger of the run directory {@code runDir}. */
  static LedgerCheck of(Path runDir) throws IOException {
    Path dir = runDir.resolve(RunLedger.DIR);
    if (!Files.isDirectory(dir)) {
      throw new UserError(runDir + " has no ledger (no " + dir + "); give a run directory of demo, simulate"
          + " or the coordinator's state directory");
    }
    Ed25519NoteVerifier key = publicKey(dir);
    Path keyFile = dir.resolve(RunLedger.KEY);
    if (Files.exists(keyFile) && !LedgerFiles.signer(keyFile, key.name()).verifierKey().equals(key.verifierKey())) {
      throw new UserError("ledger key " + keyFile + " does not match the public key " + dir.resolve(RunLedger.PUBLIC_KEY)
          + " next to it: one of the two is damaged or replaced; " + LedgerFiles.RESTORE);
    }
    LedgerLog.Contents contents;
    try {
      contents = LedgerLog.read(dir);
    } catch (LedgerCorruptedException e) {
      throw new UserError("entry " + e.recordIndex() + " is damaged: " + e.getMessage());
    } catch (NoSuchFileException e) {
      throw new UserError("no ledger log in " + dir);
    }
    List<byte[]> entries = contents.entries();
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      try {
        LedgerEntry.parse(entries.get(i));
      } catch (IllegalArgumentException e) {
        throw new UserError("entry " + i + " is not a valid ledger entry: " + e.getMessage());
      }
      leaves.add(MerkleTree.leafHash(entries.get(i)));
    }
    List<Checkpoint> checkpoints = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, Long> cosigned = new TreeMap<>();
    CheckpointPolicy policy = policy(dir, key);
    Checkpoint previous = null;
    for (Path file : RunLedger.checkpointFiles(dir)) {
      String note = LedgerFiles.text(file, StandardCharsets.UTF_8, "checkpoint");
      Checkpoint c;
      try {
        VerifiedCheckpoint v = policy.verify(note);
        c = v.checkpoint();
        v.cosignatures().forEach(w -> cosigned.merge(w.name(), c.size(), Math::max));
      } catch (NoteVerificationException e) {
        throw new UserError("checkpoint " + file.getFileName() + ": " + e.getMessage());
      }
      if (!file.equals(RunLedger.checkpointFile(dir, c.size()))) {
        throw new UserError("checkpoint " + file.getFileName() + " holds a tree of size " + c.size());
      }
      if (c.size() > entries.size() && contents.damagedTail().isPresent()) {
        throw new UserError("entry " + entries.size() + " is damaged (" + contents.damagedTail().get()
            + "), and checkpoint " + file.getFileName() + " covers it");
      }
      if (c.size() > entries.size()) {
        throw new UserError("the log is truncated: checkpoint " + file.getFileName() + " covers " + c.size()
            + " entries, the log holds " + entries.size() + cosigners(policy, note));
      }
      if (!Arrays.equals(MerkleTree.root(leaves.subList(0, (int) c.size())), c.root())) {
        long from = previous == null ? 0 : previous.size();
        throw new UserError(from == c.size() - 1
            ? "entry " + from + " was changed: it no longer matches checkpoint " + file.getFileName()
            : "an entry in " + from + ".." + (c.size() - 1) + " was changed: the log no longer matches checkpoint "
                + file.getFileName());
      }
      if (previous != null && previous.size() > 0 && !MerkleTree.verifyConsistency(previous.size(), c.size(),
          MerkleTree.consistencyProof(leaves, previous.size(), c.size()), previous.root(), c.root())) {
        throw new UserError("checkpoint " + file.getFileName() + " is not consistent with the one before it");
      }
      checkpoints.add(c);
      notes.add(note);
      previous = c;
    }
    List<String> notices = new ArrayList<>();
    contents.damagedTail().ifPresent(t -> notices.add("ignored an incomplete last record, which no checkpoint covers ("
        + t + "): a crash during an append leaves this, and the writer cuts it when the run resumes"));
    long signed = previous == null ? 0 : previous.size();
    if (signed < entries.size()) {
      notices.add("entries " + signed + ".." + (entries.size() - 1) + " are not yet in a signed checkpoint: the writer"
          + " stopped before signing; it signs them when the run resumes");
    }
    return new LedgerCheck(entries, leaves, checkpoints, notes, key, cosigned, notices);
  }

  /** The log's key, with the cosigner keys of the nodes that cosigned as trusted witnesses. */
  private static CheckpointPolicy policy(Path dir, Ed25519NoteVerifier key) throws IOException {
    try {
      return CheckpointPolicy.of(originOf(key), key.verifierKey(), RunLedger.cosignerKeys(dir), 0);
    } catch (IllegalArgumentException e) {
      throw new UserError(dir.resolve(RunLedger.COSIGNERS) + ": " + e.getMessage());
    }
  }

  /**
   * Checks this ledger against a checkpoint a node kept ({@code witness/checkpoint.note} in its
   * state directory): it must be signed by this log's key, and the log must still hold the tree it
   * describes. Returns the node that kept it; a truncated or changed log is a {@link UserError} saying so.
   */
  String checkAgainst(Path witnessNote) throws IOException {
    String note;
    try {
      note = LedgerFiles.text(witnessNote, StandardCharsets.UTF_8, "witnessed checkpoint");
    } catch (NoSuchFileException e) {
      throw new UserError("no witnessed checkpoint at " + witnessNote);
    }
    Checkpoint c;
    List<String> witnesses;
    try {
      c = CheckpointPolicy.logOnly(originOf(key), key).verify(note).checkpoint();
      witnesses = SignedNote.parse(note).signatures().stream().map(NoteSignature::name)
          .filter(n -> !n.equals(key.name())).toList();
    } catch (NoteVerificationException | IllegalArgumentException e) {
      throw new UserError(witnessNote + " is not a checkpoint of this log: " + e.getMessage());
    }
    // a node adds its own cosignature last to the checkpoint it keeps
    String who = witnesses.isEmpty() ? "no node" : witnesses.get(witnesses.size() - 1);
    if (c.size() > entries.size()) {
      throw new UserError("the log is truncated: " + who + " cosigned a checkpoint of " + c.size() + " entries ("
          + witnessNote + "), the log holds " + entries.size());
    }
    if (!Arrays.equals(MerkleTree.root(leafHashes.subList(0, (int) c.size())), c.root())) {
      throw new UserError("the log was changed: its first " + c.size() + " entries no longer match the checkpoint "
          + who + " cosigned (" + witnessNote + ")");
    }
    return who + " at " + c.size() + " entries";
  }

  /** ", cosigned by ..." when nodes cosigned the note. */
  private static String cosigners(CheckpointPolicy policy, String note) {
    try {
      List<String> names = policy.verify(note).cosignatures().stream().map(w -> w.name()).toList();
      return names.isEmpty() ? "" : " (the checkpoint is cosigned by " + String.join(", ", names) + ")";
    } catch (NoteVerificationException e) {
      return "";
    }
  }

  /** The latest checkpoint. */
  Checkpoint latest() {
    if (checkpoints.isEmpty()) {
      throw new UserError("the ledger has no checkpoint yet");
    }
    return checkpoints.get(checkpoints.size() - 1);
  }

  String latestNote() {
    latest();
    return notes.get(notes.size() - 1);
  }

  private static Ed25519NoteVerifier publicKey(Path dir) throws IOException {
    Path file = dir.resolve(RunLedger.PUBLIC_KEY);
    if (!Files.exists(file)) {
      throw new UserError("no log key in " + file);
    }
    try {
      if (NoteVerifier.parse(LedgerFiles.text(file, StandardCharsets.US_ASCII, "ledger public key").strip())
          instanceof Ed25519NoteVerifier v) {
        return v;
      }
    } catch (IllegalArgumentException e) {
      throw new UserError("ledger public key " + file + " is damaged: not a verifier key: " + e.getMessage() + "; "
          + LedgerFiles.RESTORE);
    }
    throw new UserError(file + ": not an Ed25519 log key");
  }

  /** The log key is named after the log's origin. */
  private static String originOf(Ed25519NoteVerifier key) {
    return key.name();
  }
}
