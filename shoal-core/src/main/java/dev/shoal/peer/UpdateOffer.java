package dev.shoal.peer;

import dev.shoal.tensor.ContentId;

/** A peer's update for a round, ready to be fetched by its content id. */
public record UpdateOffer(long round, String peer, ContentId update, long examples) {}
