package dev.shoal.store;

import java.time.Instant;

/** A run as stored. */
public record Run(
    long id,
    String name,
    String configHash,
    String configText,
    long seed,
    int totalRounds,
    RunStatus status,
    Instant created) {}
