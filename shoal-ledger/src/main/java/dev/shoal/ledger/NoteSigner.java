package dev.shoal.ledger;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An Ed25519 key that signs notes (C2SP signed-note, signature type 0x01): the log's key, which
 * signs checkpoints. Compatible with {@code golang.org/x/mod/sumdb/note}.
 */
public final class NoteSigner {

  private static final String SIGNER_KEY_PREFIX = "PRIVATE+KEY+";

  private final String name;
  private final KeyPair keyPair;
  private final Ed25519NoteVerifier verifier;

  private NoteSigner(String name, KeyPair keyPair) {
    this.name = KeyNames.require(name);
    this.keyPair = keyPair;
    this.verifier = new Ed25519NoteVerifier(name, keyPair.getPublic());
  }

  /** A new random key with this name. */
  public static NoteSigner generate(String name) {
    return new NoteSigner(name, Ed25519.generate());
  }

  /** A signer for an existing JDK Ed25519 key pair. */
  public static NoteSigner of(String name, KeyPair ed25519) {
    Ed25519.rawPublic(ed25519.getPublic());
    return new NoteSigner(name, ed25519);
  }

  /**
   * Reads a signer key as written by {@link #signerKey()} and by the Go note package:
   * {@code PRIVATE+KEY+<name>+<hex key hash>+<base64(0x01 || 32-byte seed)>}.
   *
   * @throws IllegalArgumentException saying which part is malformed
   */
  public static NoteSigner fromSignerKey(String signerKey) {
    if (!signerKey.startsWith(SIGNER_KEY_PREFIX)) {
      throw new IllegalArgumentException("signer key must start with " + SIGNER_KEY_PREFIX);
    }
    String[] parts = signerKey.substring(SIGNER_KEY_PREFIX.length()).split("\\+", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("signer key must be PRIVATE+KEY+<name>+<hex key hash>+<base64 key>");
    }
    byte[] key = VerifierKeys.decodeKey(parts[2], "signer key");
    if (key.length != 1 + Ed25519.KEY_BYTES || key[0] != KeyNames.ED25519) {
      throw new IllegalArgumentException("signer key must hold type 0x01 (Ed25519) and a 32-byte seed");
    }
    byte[] seed = new byte[Ed25519.KEY_BYTES];
    System.arraycopy(key, 1, seed, 0, seed.length);
    NoteSigner signer = new NoteSigner(parts[0], Ed25519.fromSeed(seed));
    VerifierKeys.requireHash(parts[1], signer.keyHash(), "signer key");
    return signer;
  }

  /** The key name. */
  public String name() {
    return name;
  }

  /** The 4-byte key hash that identifies this key in signature lines. */
  public int keyHash() {
    return verifier.keyHash();
  }

  /** The verifier for this key. */
  public Ed25519NoteVerifier verifier() {
    return verifier;
  }

  /** The verifier key string, {@code <name>+<hex key hash>+<base64(0x01 || public key)>}. */
  public String verifierKey() {
    return verifier.verifierKey();
  }

  /** The secret signer key string; store it like any private key and never log it. */
  public String signerKey() {
    byte[] key = ByteBuffer.allocate(1 + Ed25519.KEY_BYTES).put(KeyNames.ED25519)
        .put(Ed25519.rawSeed(keyPair.getPrivate())).array();
    return SIGNER_KEY_PREFIX + name + "+" + HexFormat.of().toHexDigits(keyHash()) + "+"
        + Base64.getEncoder().encodeToString(key);
  }

  /**
   * Signs a note text.
   *
   * @throws IllegalArgumentException if the text is not a valid note text (see {@link SignedNote})
   */
  public NoteSignature sign(String text) {
    SignedNote.requireText(text);
    return new NoteSignature(name, keyHash(), Ed25519.sign(keyPair.getPrivate(), Checkpoint.utf8(text)));
  }

  @Override
  public String toString() {
    return "NoteSigner[" + name + "+" + HexFormat.of().toHexDigits(keyHash()) + "]";
  }
}
