package dev.shoal.app;

import dev.shoal.io.AtomicFile;
import dev.shoal.ledger.Checkpoint;
import dev.shoal.ledger.LedgerEntry;
import dev.shoal.ledger.LedgerLog;
import dev.shoal.ledger.NoteSigner;
import dev.shoal.ledger.SignedNote;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A run's ledger directory, {@code DIR/ledger}: the log ({@code ledger.log}), the key that signs
 * its checkpoints ({@code log.key}, 0600, and {@code log.pub}, the verifier key to publish), and
 * one signed checkpoint per append in {@code checkpoints/NNNNNNNNNNNN.note}, named by tree size.
 */
final class RunLedger implements Closeable {

  static final String DIR = "ledger";
  static final String KEY = "log.key";
  static final String PUBLIC_KEY = "log.pub";
  static final String CHECKPOINTS = "checkpoints";
  /** The cosigner verifier keys of the nodes that cosigned checkpoints, one a line. */
  static final String COSIGNERS = "cosigners";

  private final Path dir;
  private final String origin;
  private final LedgerLog log;
  private final NoteSigner signer;

  private RunLedger(Path dir, String origin, LedgerLog log, NoteSigner signer) {
    this.dir = dir;
    this.origin = origin;
    this.log = log;
    this.signer = signer;
  }

  /** The ledger's directory. */
  Path dir() {
    return dir;
  }

  /** Opens the ledger of the run in {@code runDir}, creating it (and its key) the first time. */
  static RunLedger open(Path runDir, String run) throws IOException {
    Path dir = runDir.resolve(DIR);
    Files.createDirectories(dir.resolve(CHECKPOINTS));
    dev.shoal.io.OwnerOnly.restrict(dir);
    Path keyFile = dir.resolve(KEY);
    String origin = Checkpoint.originFor(run);
    NoteSigner signer;
    if (Files.exists(keyFile)) {
      signer = NoteSigner.fromSignerKey(Files.readString(keyFile, StandardCharsets.US_ASCII).strip());
    } else {
      signer = NoteSigner.generate(origin);
      Path tmp = dir.resolve(KEY + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, signer.signerKey() + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      AtomicFile.write(dir.resolve(PUBLIC_KEY), (signer.verifierKey() + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    RunLedger ledger = new RunLedger(dir, origin, LedgerLog.open(dir), signer);
    ledger.signIfBehind();
    return ledger;
  }

  /** After a crash between an append and its checkpoint, signs the entries that were appended. */
  private void signIfBehind() throws IOException {
    if (log.size() > 0 && !Files.exists(checkpointFile(dir, log.size()))) {
      sign();
    }
  }

  private void sign() throws IOException {
    SignedNote note = log.checkpoint(origin).sign(signer);
    AtomicFile.write(checkpointFile(dir, log.size()), note.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** Appends an entry and signs a checkpoint of the log with it. */
  synchronized long append(LedgerEntry entry) throws IOException {
    long index = log.append(entry.toJson());
    sign();
    return index;
  }

  long size() {
    return log.size();
  }

  /** The log's verifier key. */
  String verifierKey() {
    return signer.verifierKey();
  }

  byte[] entry(long index) throws IOException {
    return log.entry(index);
  }

  List<byte[]> inclusionProof(long index, long size) {
    return log.inclusionProof(index, size);
  }

  List<byte[]> consistencyProof(long from, long to) {
    return log.consistencyProof(from, to);
  }

  /** The signed checkpoint of {@code size} entries, with the cosignatures it has so far. */
  synchronized String checkpoint(long size) throws IOException {
    return Files.readString(checkpointFile(dir, size), StandardCharsets.UTF_8);
  }

  /**
   * Replaces the checkpoint of {@code size} entries with {@code addCosignature} applied to it (the
   * same note with a node's cosignature added), and remembers the node's cosigner key.
   */
  synchronized void cosign(long size, java.util.function.UnaryOperator<String> addCosignature, String cosignerKey)
      throws IOException {
    String cosigned = addCosignature.apply(checkpoint(size));
    AtomicFile.write(checkpointFile(dir, size), cosigned.getBytes(StandardCharsets.UTF_8));
    Path keys = dir.resolve(COSIGNERS);
    List<String> known = cosignerKeys(dir);
    if (!known.contains(cosignerKey)) {
      List<String> all = new ArrayList<>(known);
      all.add(cosignerKey);
      AtomicFile.write(keys, (String.join("\n", all) + "\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** The cosigner keys recorded in a ledger directory. */
  static List<String> cosignerKeys(Path ledgerDir) throws IOException {
    Path keys = ledgerDir.resolve(COSIGNERS);
    return Files.exists(keys)
        ? Files.readAllLines(keys, StandardCharsets.US_ASCII).stream().map(String::strip).filter(l -> !l.isEmpty()).toList()
        : List.of();
  }

  static Path checkpointFile(Path ledgerDir, long size) {
    return ledgerDir.resolve(CHECKPOINTS).resolve(String.format(Locale.ROOT, "%012d.note", size));
  }

  /** The checkpoint files of a ledger directory, by tree size. */
  static List<Path> checkpointFiles(Path ledgerDir) throws IOException {
    try (Stream<Path> files = Files.list(ledgerDir.resolve(CHECKPOINTS))) {
      return new ArrayList<>(files.filter(f -> f.getFileName().toString().matches("\\d{12}\\.note")).sorted().toList());
    }
  }

  @Override
  public void close() throws IOException {
    log.close();
  }
}
