package dev.shoal.federation;

import java.time.Instant;
import java.util.Optional;

/**
 * One node of a run as {@code shoal status} and the dashboard show it.
 *
 * @param name the node's name
 * @param online whether the coordinator counts it as online
 * @param lastSeen when the coordinator last heard from it
 * @param roundsContributed the rounds its update was folded into
 * @param resources what it said it runs with when it registered; empty when it has not told this
 *     coordinator process (e.g. since a restart)
 */
public record NodeStatus(String name, boolean online, Instant lastSeen, int roundsContributed,
    Optional<Resources> resources) {}
