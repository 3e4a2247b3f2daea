package dev.shoal.app;

import dev.shoal.ledger.Checkpoint;
import dev.shoal.ledger.CheckpointPolicy;
import dev.shoal.ledger.NoteSigner;
import dev.shoal.ledger.NoteVerificationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the small files of a ledger directory (its keys and signed checkpoints) for a writer
 * about to append to it. Every problem is a {@link UserError} naming the file and what is wrong
 * with it, and saying how to restore it: a damaged key or checkpoint is never passed over.
 */
final class LedgerFiles {

  static final String RESTORE = "restore the ledger directory from a backup"
      + " (see \"Restore a damaged ledger\" in docs/operations.md)";

  private LedgerFiles() {}

  /** The text of a file that must be {@code charset} text, or a {@link UserError} naming it. */
  static String text(Path file, Charset charset, String what) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new UserError(what + " " + file + " is damaged: it is not " + charset.name() + " text; " + RESTORE);
    }
  }

  /** The log's signer key from {@code log.key}, which must be named for {@code origin}. */
  static NoteSigner signer(Path keyFile, String origin) throws IOException {
    NoteSigner signer;
    try {
      signer = NoteSigner.fromSignerKey(text(keyFile, StandardCharsets.US_ASCII, "ledger key").strip());
    } catch (IllegalArgumentException e) {
      throw new UserError("ledger key " + keyFile + " is damaged: " + e.getMessage() + "; " + RESTORE);
    }
    if (!signer.name().equals(origin)) {
      throw new UserError("ledger key " + keyFile + " belongs to the log '" + signer.name() + "', not to '" + origin
          + "': this ledger directory is another run's; give each run its own directory");
    }
    return signer;
  }

  /** Checks that {@code log.pub} is the verifier key of {@code signer}. */
  static void requirePublicKey(Path pubFile, NoteSigner signer) throws IOException {
    String published = text(pubFile, StandardCharsets.US_ASCII, "ledger public key").strip();
    if (!published.equals(signer.verifierKey())) {
      throw new UserError("ledger public key " + pubFile + " does not match the log key next to it (" + signer.verifierKey()
          + "): one of the two is damaged or replaced; " + RESTORE);
    }
  }

  /**
   * Verifies every signed checkpoint of the ledger directory {@code dir} with the log key: each
   * must parse, carry a valid signature of {@code signer} for its origin, and be named after its
   * size. Returns them by size.
   */
  static List<Checkpoint> checkpoints(Path dir, NoteSigner signer) throws IOException {
    CheckpointPolicy policy = CheckpointPolicy.logOnly(signer.name(), signer.verifier());
    List<Checkpoint> all = new ArrayList<>();
    for (Path file : RunLedger.checkpointFiles(dir)) {
      String note = text(file, StandardCharsets.UTF_8, "checkpoint");
      Checkpoint c;
      try {
        c = policy.verify(note).checkpoint();
      } catch (NoteVerificationException | IllegalArgumentException e) {
        throw new UserError("checkpoint " + file + " is damaged: " + e.getMessage() + "; " + RESTORE);
      }
      if (!file.equals(RunLedger.checkpointFile(dir, c.size()))) {
        throw new UserError("checkpoint " + file + " is damaged: it holds a tree of " + c.size() + " entries; " + RESTORE);
      }
      all.add(c);
    }
    return all;
  }
}
