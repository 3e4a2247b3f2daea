package dev.shoal.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * One entry of a training run's ledger. The log's leaf for an entry is the RFC 8785 canonical
 * JSON of the entry ({@link #toJson()}), which always carries a {@code type} field naming the
 * variant:
 * <ul>
 *   <li>{@code run_started}: {@link RunStarted}
 *   <li>{@code round_completed}: {@link RoundCompleted}
 *   <li>{@code model_stepped}: {@link ModelStepped}, a step of an asynchronous run
 * </ul>
 * New kinds of entry are new types; the fields of an existing type do not change.
 */
public sealed interface LedgerEntry permits RunStarted, RoundCompleted, ModelStepped, SwarmRound {

  /** The {@code type} field of this entry's JSON. */
  String type();

  /** The entry's canonical JSON bytes: exactly what is appended to the log and hashed. */
  byte[] toJson();

  /** {@code sha256:<hex>} of {@link #toJson()}: the entry's content id. */
  default String contentId() {
    MessageDigest sha = MerkleTree.sha256();
    return "sha256:" + HexFormat.of().formatHex(sha.digest(toJson()));
  }

  /**
   * Reads an entry back from its canonical JSON bytes.
   *
   * @throws IllegalArgumentException if the bytes are not JSON, the type is unknown, a field is
   *     missing, unknown or invalid, or the bytes are not the entry's canonical form
   */
  static LedgerEntry parse(byte[] json) {
    JsonNode node = EntryFields.readObject(json);
    String type = EntryFields.text(node, "type");
    LedgerEntry entry = switch (type) {
      case RunStarted.TYPE -> RunStarted.fromJson(node);
      case RoundCompleted.TYPE -> RoundCompleted.fromJson(node);
      case ModelStepped.TYPE -> ModelStepped.fromJson(node);
      case SwarmRound.TYPE -> SwarmRound.fromJson(node);
      default -> throw new IllegalArgumentException("ledger entry type \"" + type + "\" is unknown: allowed are "
          + RunStarted.TYPE + ", " + RoundCompleted.TYPE + ", " + ModelStepped.TYPE + " and " + SwarmRound.TYPE);
    };
    if (!MessageDigest.isEqual(entry.toJson(), json)) {
      throw new IllegalArgumentException("ledger entry of type " + type
          + " is not in canonical form (RFC 8785): ledger leaves are canonical JSON");
    }
    return entry;
  }
}
