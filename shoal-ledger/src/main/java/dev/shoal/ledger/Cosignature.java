package dev.shoal.ledger;

/**
 * A verified cosignature: which cosigner vouched for a checkpoint, and when.
 *
 * @param name the cosigner's name
 * @param keyHash the cosigner's key hash
 * @param timestamp the cosigning time, seconds since the epoch
 */
public record Cosignature(String name, int keyHash, long timestamp) {}
