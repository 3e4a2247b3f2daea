package dev.shoal.peer;

/**
 * A decided round: its ledger entry and the checkpoint note (the ledger with that entry) that a
 * quorum of the members cosigned.
 */
public record Decision(long round, byte[] entry, String note) {}
