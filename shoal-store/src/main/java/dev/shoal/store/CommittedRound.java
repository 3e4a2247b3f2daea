package dev.shoal.store;

import dev.shoal.tensor.ContentId;
import java.util.Optional;

/**
 * A completed round as the database committed it: the record every other output of the round
 * (ledger entry, signed checkpoint, {@code metrics.jsonl} line, model file) is derived from.
 *
 * @param modelId the global model after the round (a blob)
 * @param metricsJson the round's {@code metrics.jsonl} line
 * @param ledgerEntry the round's ledger entry (canonical JSON), committed with the round; empty for
 *     rounds committed by a Shoal that did not keep it, or by a run without a ledger
 */
public record CommittedRound(int round, ContentId modelId, String metricsJson, Optional<String> ledgerEntry) {}
