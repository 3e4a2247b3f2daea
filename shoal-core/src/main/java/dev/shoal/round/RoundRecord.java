package dev.shoal.round;

import dev.shoal.contribution.ContributionReport;
import dev.shoal.strategy.Subtree;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.SafetensorsFile;
import dev.shoal.tensor.TensorSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a finished round used, for the ledger: a commitment to each update in the aggregate (the
 * content id of the update, or with secure aggregation of the masked upload), and the
 * participants' contributions when they were scored.
 *
 * @param commitments client → content id, for the clients whose updates are in the aggregate
 * @param stepUpdates for an asynchronous model step, the updates it folded in the order they
 *     arrived (a client may appear more than once); empty for a synchronous round
 * @param subtrees for the clients in the aggregate that are relays: the nodes each folded
 */
public record RoundRecord(Map<String, String> commitments, Optional<ContributionReport> contributions,
    java.util.List<StepUpdate> stepUpdates, Map<String, java.util.List<Subtree.Member>> subtrees) {

  public static final RoundRecord NONE = new RoundRecord(Map.of(), Optional.empty());

  public RoundRecord {
    commitments = java.util.Collections.unmodifiableMap(new TreeMap<>(commitments));
    stepUpdates = java.util.List.copyOf(stepUpdates);
    subtrees = java.util.Collections.unmodifiableMap(new TreeMap<>(subtrees));
  }

  /** A round's or a step's record without relays. */
  public RoundRecord(Map<String, String> commitments, Optional<ContributionReport> contributions,
      java.util.List<StepUpdate> stepUpdates) {
    this(commitments, contributions, stepUpdates, Map.of());
  }

  /** A synchronous round's record. */
  public RoundRecord(Map<String, String> commitments, Optional<ContributionReport> contributions) {
    this(commitments, contributions, java.util.List.of());
  }

  /** An asynchronous model step's record: the updates it folded, in arrival order. */
  public static RoundRecord step(java.util.List<StepUpdate> updates) {
    return new RoundRecord(Map.of(), Optional.empty(), updates);
  }

  /**
   * The content id of an update: the hash of its canonical encoding, or of its uploaded file. A
   * blob's id was checked against its bytes when it was stored and is not computed again.
   */
  public static String commitment(TensorSource update) {
    if (update instanceof ParameterSet p) {
      return ContentId.of(p).value();
    }
    if (update instanceof SafetensorsFile f && f.contentId().isPresent()) {
      return f.contentId().get().value();
    }
    if (update instanceof SafetensorsFile f) {
      MessageDigest sha256 = ContentId.sha256();
      try (InputStream in = new DigestInputStream(Files.newInputStream(f.file()), sha256)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot hash the update " + f.file(), e);
      }
      return ContentId.of(sha256).value();
    }
    throw new IllegalArgumentException("cannot commit to an update of type " + update.getClass().getSimpleName());
  }
}
