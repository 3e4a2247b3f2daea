package dev.shoal.app;

import dev.shoal.io.AtomicFile;
import dev.shoal.ledger.Cosigner;
import dev.shoal.ledger.InconsistentLogException;
import dev.shoal.ledger.Witness;
import dev.shoal.federation.LedgerWitness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * A node's witness of the coordinator's ledger. With a state directory it keeps, in {@code
 * DIR/witness}: its cosigner key ({@code cosigner.key}, mode 0600), the log key it pinned ({@code
 * log.pub}) and the last checkpoint it cosigned ({@code checkpoint.note}), so a restarted node
 * goes on from there and an admin can check the coordinator's ledger against that checkpoint
 * ({@code shoal ledger verify --witness}). Without one it keeps them in memory.
 */
final class NodeWitness implements LedgerWitness {

  static final String DIR = "witness";
  static final String KEY = "cosigner.key";
  static final String LOG_KEY = "log.pub";
  static final String CHECKPOINT = "checkpoint.note";

  private final Witness witness;
  private final Optional<Path> dir;
  private final String cosignerKey;

  private NodeWitness(Witness witness, Optional<Path> dir, String cosignerKey) {
    this.witness = witness;
    this.dir = dir;
    this.cosignerKey = cosignerKey;
  }

  /** The witness of node {@code name}, kept in {@code stateDir/witness} when given. */
  static NodeWitness open(String name, Optional<Path> stateDir) throws IOException {
    if (stateDir.isEmpty()) {
      Cosigner cosigner = Cosigner.generate(name);
      return new NodeWitness(new Witness(name, cosigner, Optional.empty(), Optional.empty()), Optional.empty(),
          cosigner.verifierKey());
    }
    Path dir = stateDir.get().resolve(DIR);
    Files.createDirectories(dir);
    Cosigner cosigner = cosigner(name, dir.resolve(KEY));
    Optional<String> logKey = read(dir.resolve(LOG_KEY)).map(String::strip);
    Optional<String> last = read(dir.resolve(CHECKPOINT));
    try {
      return new NodeWitness(new Witness(name, cosigner, logKey, last), Optional.of(dir), cosigner.verifierKey());
    } catch (IllegalArgumentException e) {
      throw new UserError("the ledger witness in " + dir + " is damaged: " + e.getMessage());
    }
  }

  @Override
  public long size() {
    return witness.size();
  }

  @Override
  public void sent(long round, String commitment) {
    witness.sent(round, commitment);
  }

  @Override
  public Cosignature witness(Offer offer) throws Inconsistent {
    Witness.Cosigned c;
    try {
      c = witness.witness(offer.logKey(), offer.checkpoint(), offer.consistency(),
          offer.entries().stream().map(e -> new Witness.Included(e.index(), e.json(), e.proof())).toList(),
          Instant.now());
    } catch (InconsistentLogException e) {
      throw new Inconsistent(e.getMessage());
    }
    if (dir.isPresent()) {
      try {
        AtomicFile.write(dir.get().resolve(LOG_KEY), (offer.logKey() + "\n").getBytes(StandardCharsets.US_ASCII));
        AtomicFile.write(dir.get().resolve(CHECKPOINT), c.note().getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot keep the cosigned checkpoint in " + dir.get(), e);
      }
    }
    return new Cosignature(c.checkpoint().size(), cosignerKey, c.cosignature().line());
  }

  /** The cosigner key of {@code name} in {@code file} (mode 0600), made there on first use. */
  static Cosigner cosigner(String name, Path file) throws IOException {
    if (Files.exists(file)) {
      Cosigner c = Cosigner.fromSignerKey(Files.readString(file, StandardCharsets.US_ASCII).strip());
      if (!c.name().equals(name)) {
        throw new UserError("the cosigner key in " + file + " belongs to '" + c.name() + "', not '" + name + "'");
      }
      return c;
    }
    Cosigner c = Cosigner.generate(name);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, c.signerKey() + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return c;
  }

  private static Optional<String> read(Path file) throws IOException {
    return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
  }
}
