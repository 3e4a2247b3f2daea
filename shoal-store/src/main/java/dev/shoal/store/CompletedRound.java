package dev.shoal.store;

import dev.shoal.tensor.ContentId;

/** The last completed round of a run and the global model it produced. */
public record CompletedRound(int round, ContentId modelId) {}
