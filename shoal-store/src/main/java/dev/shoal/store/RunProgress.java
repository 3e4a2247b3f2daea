package dev.shoal.store;

import dev.shoal.tensor.ContentId;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How far a run has come.
 *
 * @param completedRounds the last completed round, 0 before the first
 * @param latestModel the global model after the last completed round
 * @param roundInProgress the round started (or failed, to be retried) but not completed, if any
 */
public record RunProgress(
    Run run, int completedRounds, Optional<ContentId> latestModel, OptionalInt roundInProgress) {}
