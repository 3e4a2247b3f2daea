package dev.shoal.app.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.ledger.Checkpoint;
import dev.shoal.ledger.CheckpointPolicy;
import dev.shoal.ledger.Cosignature;
import dev.shoal.ledger.Ed25519NoteVerifier;
import dev.shoal.ledger.LedgerCorruptedException;
import dev.shoal.ledger.LedgerEntry;
import dev.shoal.ledger.LedgerLog;
import dev.shoal.ledger.MerkleTree;
import dev.shoal.ledger.NoteVerificationException;
import dev.shoal.ledger.NoteVerifier;
import dev.shoal.ledger.ModelStepped;
import dev.shoal.ledger.RoundCompleted;
import dev.shoal.ledger.RunStarted;
import dev.shoal.ledger.SwarmRound;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The run's ledger as the dashboard shows it, read from its directory on every request and never
 * opened for writing: the entries, the latest signed checkpoint (its signature checked with the
 * published log key, its root against the entries, the nodes' cosignatures with their keys in
 * {@code cosigners} when nodes witness the ledger), and an entry's inclusion proof in it.
 */
final class DashboardLedger {

  /** Entries listed at most, the latest ones. */
  static final int LISTED = 500;
  private static final HexFormat HEX = HexFormat.of();

  /** A request the ledger cannot answer: an HTTP status and a one-line reason. */
  static final class Refusal extends RuntimeException {
    final int status;

    Refusal(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final Optional<Path> dir;
  private final ObjectMapper json;

  DashboardLedger(Optional<Path> dir, ObjectMapper json) {
    this.dir = dir;
    this.json = json;
  }

  /**
   * What was read: the entries, their leaf hashes, the latest checkpoint and its note, the log key,
   * and the verified cosignatures of the nodes whose keys the ledger lists in {@code cosigners}.
   */
  private record Read(List<byte[]> entries, List<byte[]> leaves, Checkpoint checkpoint, String note,
      Ed25519NoteVerifier key, List<Cosignature> cosignatures) {}

  /** {@code /api/ledger}: the latest entries and the latest signed checkpoint, verified. */
  ObjectNode list() throws IOException {
    ObjectNode out = json.createObjectNode();
    if (dir.isEmpty()) {
      return out.put("available", false).put("reason", "this run keeps no ledger (--no-ledger)");
    }
    Read r = read(dir.get());
    out.put("available", true);
    out.put("origin", r.key().name());
    out.put("log_key", r.key().verifierKey());
    out.put("size", r.entries().size());
    if (r.checkpoint() == null) {
      out.putNull("checkpoint");
    } else {
      ObjectNode cp = out.putObject("checkpoint");
      cp.put("size", r.checkpoint().size());
      cp.put("root", HEX.formatHex(r.checkpoint().root()));
      cp.put("note", r.note());
      cp.put("signature_verified", true);
      cp.put("root_matches_entries", true);
      ArrayNode cosigned = cp.putArray("cosigned_by");
      r.cosignatures().forEach(c -> cosigned.addObject().put("name", c.name()).put("time", c.timestamp() * 1000));
    }
    ArrayNode entries = out.putArray("entries");
    int from = Math.max(0, r.entries().size() - LISTED);
    out.put("first_listed", from);
    for (int i = from; i < r.entries().size(); i++) {
      ObjectNode e = entries.addObject();
      e.put("index", i);
      e.put("leaf_hash", HEX.formatHex(r.leaves().get(i)));
      e.put("signed", r.checkpoint() != null && i < r.checkpoint().size());
      try {
        switch (LedgerEntry.parse(r.entries().get(i))) {
          case RunStarted s -> e.put("type", RunStarted.TYPE).putNull("round").putNull("model_id")
              .put("started_at", s.startedAt().toString());
          case RoundCompleted c -> e.put("type", RoundCompleted.TYPE).put("round", c.round())
              .put("model_id", c.modelId()).put("participants", c.participants().size());
          case ModelStepped m -> e.put("type", ModelStepped.TYPE).put("round", m.step())
              .put("model_id", m.modelId()).put("participants", m.participants().size());
          case SwarmRound w -> e.put("type", SwarmRound.TYPE).put("round", w.round())
              .put("model_id", w.modelId()).put("participants", w.participants().size());
        }
      } catch (IllegalArgumentException ex) {
        e.put("type", "invalid").putNull("round").putNull("model_id").put("error", ex.getMessage());
      }
    }
    return out;
  }

  /** {@code /api/ledger/proof?index=N}: entry N, its inclusion proof in the latest checkpoint, verified. */
  ObjectNode proof(String indexParam) throws IOException {
    if (dir.isEmpty()) {
      throw new Refusal(404, "this run keeps no ledger (--no-ledger)");
    }
    if (indexParam == null) {
      throw new Refusal(400, "give the entry as ?index=N");
    }
    long index;
    try {
      index = Long.parseLong(indexParam);
    } catch (NumberFormatException e) {
      throw new Refusal(400, "index must be a whole number, got '" + shorten(indexParam) + "'");
    }
    Read r = read(dir.get());
    if (r.checkpoint() == null) {
      throw new Refusal(404, "the ledger has no signed checkpoint yet");
    }
    long size = r.checkpoint().size();
    if (index < 0 || index >= size) {
      throw new Refusal(400, "index must be in 0.." + (size - 1) + " (the latest signed checkpoint covers " + size
          + " entries), got " + index);
    }
    List<byte[]> path = MerkleTree.inclusionProof(r.leaves(), index, size);
    byte[] leaf = r.leaves().get((int) index);
    boolean included = MerkleTree.verifyInclusion(leaf, index, size, path, r.checkpoint().root());
    ObjectNode out = json.createObjectNode();
    out.put("index", index);
    out.put("tree_size", size);
    out.put("entry", new String(r.entries().get((int) index), StandardCharsets.UTF_8));
    out.put("leaf_hash", HEX.formatHex(leaf));
    ArrayNode proof = out.putArray("inclusion_proof");
    path.forEach(h -> proof.add(HEX.formatHex(h)));
    out.put("root", HEX.formatHex(r.checkpoint().root()));
    out.put("checkpoint", r.note());
    out.put("log_key", r.key().verifierKey());
    out.put("signature_verified", true);
    out.put("inclusion_verified", included);
    return out;
  }

  private static Read read(Path dir) throws IOException {
    Ed25519NoteVerifier key = key(dir.resolve("log.pub"));
    LedgerLog.Contents contents;
    try {
      contents = LedgerLog.read(dir);
    } catch (LedgerCorruptedException e) {
      throw new Refusal(500, "the ledger is damaged: " + e.getMessage());
    } catch (NoSuchFileException e) {
      throw new Refusal(404, "no ledger log in the run's ledger directory yet");
    }
    List<byte[]> entries = contents.entries();
    List<byte[]> leaves = entries.stream().map(MerkleTree::leafHash).toList();
    Optional<Path> latest = latestCheckpoint(dir.resolve("checkpoints"));
    if (latest.isEmpty()) {
      return new Read(entries, leaves, null, null, key, List.of());
    }
    String note = Files.readString(latest.get(), StandardCharsets.UTF_8);
    Checkpoint c;
    try {
      c = CheckpointPolicy.logOnly(key.name(), key).verify(note).checkpoint();
    } catch (NoteVerificationException e) {
      throw new Refusal(500, "checkpoint " + latest.get().getFileName() + " does not verify: " + e.getMessage());
    }
    if (c.size() > entries.size()) {
      throw new Refusal(500, "checkpoint " + latest.get().getFileName() + " covers " + c.size()
          + " entries, the log holds " + entries.size());
    }
    if (!Arrays.equals(MerkleTree.root(leaves.subList(0, (int) c.size())), c.root())) {
      throw new Refusal(500, "the log's first " + c.size() + " entries do not match checkpoint "
          + latest.get().getFileName());
    }
    return new Read(entries, leaves, c, note, key, cosignatures(dir, key, note));
  }

  /** The cosignatures on {@code note} by the keys in the ledger's {@code cosigners} file, verified. */
  private static List<Cosignature> cosignatures(Path dir, Ed25519NoteVerifier key, String note) throws IOException {
    Path file = dir.resolve("cosigners");
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> keys = Files.readAllLines(file, StandardCharsets.US_ASCII).stream().map(String::strip)
        .filter(l -> !l.isEmpty()).toList();
    try {
      return CheckpointPolicy.of(key.name(), key.verifierKey(), keys, 0).verify(note).cosignatures();
    } catch (IllegalArgumentException | NoteVerificationException e) {
      throw new Refusal(500, "the latest checkpoint's cosignatures do not verify: " + e.getMessage());
    }
  }

  private static Ed25519NoteVerifier key(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new Refusal(404, "no log key (log.pub) in the run's ledger directory");
    }
    try {
      if (NoteVerifier.parse(Files.readString(file, StandardCharsets.US_ASCII).strip()) instanceof Ed25519NoteVerifier v) {
        return v;
      }
    } catch (IllegalArgumentException e) {
      throw new Refusal(500, "log.pub is not a verifier key: " + e.getMessage());
    }
    throw new Refusal(500, "log.pub is not an Ed25519 log key");
  }

  private static Optional<Path> latestCheckpoint(Path checkpoints) throws IOException {
    if (!Files.isDirectory(checkpoints)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(checkpoints)) {
      return files.filter(f -> f.getFileName().toString().matches("\\d{12}\\.note"))
          .max(java.util.Comparator.comparing(f -> f.getFileName().toString()));
    }
  }

  private static String shorten(String s) {
    String printable = s.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
  }
}
