package dev.shoal.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * The first entry of a run's ledger: which job ran, under which strategy, from when.
 * <pre>
 * {"jobConfigHash":"sha256:…","run":"mnist-7","startedAt":"2026-11-23T14:00:00Z",
 *  "strategy":"fedavg","type":"run_started"}
 * </pre>
 *
 * @param run the run's id; non-empty, no whitespace
 * @param jobConfigHash content id ({@code sha256:<hex>}) of the job configuration's canonical bytes
 * @param strategy the aggregation strategy's name, e.g. {@code fedavg}
 * @param startedAt when the run started; written as ISO-8601 UTC ({@link Instant#toString()})
 */
public record RunStarted(String run, String jobConfigHash, String strategy, Instant startedAt) implements LedgerEntry {

  /** The {@code type} of this entry. */
  public static final String TYPE = "run_started";

  private static final Set<String> FIELDS = Set.of("type", "run", "jobConfigHash", "strategy", "startedAt");

  public RunStarted {
    EntryFields.name("run", run);
    EntryFields.contentId("jobConfigHash", jobConfigHash);
    EntryFields.name("strategy", strategy);
    if (startedAt == null) {
      throw new IllegalArgumentException("startedAt is missing: a run_started entry needs the start time");
    }
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public byte[] toJson() {
    ObjectNode node = EntryFields.object(TYPE);
    node.put("run", run);
    node.put("jobConfigHash", jobConfigHash);
    node.put("strategy", strategy);
    node.put("startedAt", startedAt.toString());
    return CanonicalJson.canonicalize(node);
  }

  static RunStarted fromJson(JsonNode node) {
    EntryFields.onlyFields(node, TYPE, FIELDS);
    String at = EntryFields.text(node, "startedAt");
    Instant startedAt;
    try {
      startedAt = Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("startedAt \"" + at + "\" is not an ISO-8601 UTC instant like 2026-11-23T14:00:00Z", e);
    }
    return new RunStarted(EntryFields.text(node, "run"), EntryFields.text(node, "jobConfigHash"),
        EntryFields.text(node, "strategy"), startedAt);
  }
}
