package dev.shoal.store;

import java.time.Instant;

/**
 * A node the coordinator has heard from.
 *
 * @param roundsContributed completed rounds that include a result from this node
 */
public record Node(
    String name, Instant firstSeen, Instant lastSeen, NodeStatus status, int roundsContributed) {}
