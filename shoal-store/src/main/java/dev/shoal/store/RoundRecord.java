package dev.shoal.store;

import dev.shoal.tensor.ContentId;
import java.time.Instant;
import java.util.Optional;

/**
 * One round of a run as stored.
 *
 * @param attempts how many times the round was started (more than one after a crash or failure)
 * @param modelId the global model after the round; present once completed
 * @param metricsJson the round's {@code metrics.jsonl} line; present once completed
 * @param error why the round failed; present once failed
 */
public record RoundRecord(
    long runId,
    int round,
    RoundStatus status,
    int attempts,
    Optional<ContentId> modelId,
    Optional<String> metricsJson,
    Optional<String> error,
    Instant started,
    Optional<Instant> finished) {}
