package dev.shoal.peer;

/**
 * What a peer says of itself when it greets another, and what peers gossip of each other.
 *
 * @param name its certificate's name
 * @param address where it listens, {@code HOST:PORT}
 * @param cosignerKey its Ed25519 cosigner verifier key
 * @param decided the last round it holds decided, {@code -1} before the genesis
 */
public record PeerInfo(String name, String address, String cosignerKey, long decided) {}
