package dev.shoal.ledger;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A witness's Ed25519 key that cosigns checkpoints per C2SP {@code tlog-cosignature} v1: the
 * signature line carries the key hash (computed with type byte 0x04), an 8-byte big-endian
 * timestamp and an Ed25519 signature over {@code cosignature/v1\ntime <t>\n<checkpoint>}.
 *
 * <p>A cosignature states that, at that time, this checkpoint was the largest consistent tree
 * head the witness had seen for the origin. Checking consistency with earlier checkpoints
 * before cosigning is the witness's job, not this class's. The spec forbids reusing one key
 * for two cosigners with different names.
 */
public final class Cosigner {

  private final String name;
  private final KeyPair keyPair;
  private final CosignatureVerifier verifier;

  private Cosigner(String name, KeyPair keyPair) {
    this.name = KeyNames.require(name);
    this.keyPair = keyPair;
    this.verifier = new CosignatureVerifier(name, keyPair.getPublic());
  }

  /** A new random cosigner key with this name. */
  public static Cosigner generate(String name) {
    return new Cosigner(name, Ed25519.generate());
  }

  /** A cosigner for an existing JDK Ed25519 key pair. */
  public static Cosigner of(String name, KeyPair ed25519) {
    Ed25519.rawPublic(ed25519.getPublic());
    return new Cosigner(name, ed25519);
  }

  /**
   * Reads a key written by {@link #signerKey()}: {@code PRIVATE+KEY+<name>+<hex key
   * hash>+<base64(0x04 || 32-byte seed)>}.
   *
   * @throws IllegalArgumentException saying which part is malformed
   */
  public static Cosigner fromSignerKey(String signerKey) {
    String prefix = "PRIVATE+KEY+";
    String[] parts = signerKey.startsWith(prefix) ? signerKey.substring(prefix.length()).split("\\+", 3) : new String[0];
    if (parts.length != 3) {
      throw new IllegalArgumentException("cosigner key must be PRIVATE+KEY+<name>+<hex key hash>+<base64 key>");
    }
    byte[] key = VerifierKeys.decodeKey(parts[2], "cosigner key");
    if (key.length != 1 + Ed25519.KEY_BYTES || key[0] != KeyNames.COSIGNATURE_V1) {
      throw new IllegalArgumentException("cosigner key must hold type 0x04 (cosignature v1) and a 32-byte seed");
    }
    Cosigner cosigner = new Cosigner(parts[0], Ed25519.fromSeed(java.util.Arrays.copyOfRange(key, 1, key.length)));
    VerifierKeys.requireHash(parts[1], cosigner.keyHash(), "cosigner key");
    return cosigner;
  }

  /** The secret key string; store it like any private key and never log it. */
  public String signerKey() {
    byte[] key = ByteBuffer.allocate(1 + Ed25519.KEY_BYTES).put(KeyNames.COSIGNATURE_V1)
        .put(Ed25519.rawSeed(keyPair.getPrivate())).array();
    return "PRIVATE+KEY+" + name + "+" + HexFormat.of().toHexDigits(keyHash()) + "+"
        + java.util.Base64.getEncoder().encodeToString(key);
  }

  /** The cosigner's name. */
  public String name() {
    return name;
  }

  /** The 4-byte key hash (type 0x04). */
  public int keyHash() {
    return verifier.keyHash();
  }

  /** The verifier for this cosigner. */
  public CosignatureVerifier verifier() {
    return verifier;
  }

  /** The verifier key string, {@code <name>+<hex key hash>+<base64(0x04 || public key)>}. */
  public String verifierKey() {
    return verifier.verifierKey();
  }

  /**
   * Cosigns a checkpoint at a time.
   *
   * @param checkpointText the checkpoint note's text (the body, without signature lines)
   * @param unixSeconds the cosigning time in seconds since the epoch, {@code >= 0}
   * @throws IllegalArgumentException if the text is not a checkpoint or the time is negative
   */
  public NoteSignature cosign(String checkpointText, long unixSeconds) {
    Checkpoint.parse(checkpointText);
    if (unixSeconds < 0) {
      throw new IllegalArgumentException("cosignature time " + unixSeconds + " is negative: allowed 0..2^63-1");
    }
    byte[] sig = Ed25519.sign(keyPair.getPrivate(), CosignatureVerifier.signedMessage(checkpointText, unixSeconds));
    byte[] bytes = ByteBuffer.allocate(CosignatureVerifier.SIGNATURE_BYTES).putLong(unixSeconds).put(sig).array();
    return new NoteSignature(name, keyHash(), bytes);
  }

  /** Cosigns a checkpoint at an instant (truncated to whole seconds). */
  public NoteSignature cosign(Checkpoint checkpoint, Instant at) {
    return cosign(checkpoint.body(), at.getEpochSecond());
  }

  @Override
  public String toString() {
    return "Cosigner[" + name + "+" + HexFormat.of().toHexDigits(keyHash()) + "]";
  }
}
