package dev.shoal.ledger;

import java.util.HexFormat;

/**
 * A public key that checks signature lines of a {@link SignedNote}, identified by its name and
 * 4-byte key hash. Two kinds exist: {@link Ed25519NoteVerifier} for plain note signatures (the
 * log's key, type 0x01) and {@link CosignatureVerifier} for timestamped cosignatures (a
 * witness's key, type 0x04).
 */
public sealed interface NoteVerifier permits Ed25519NoteVerifier, CosignatureVerifier {

  /** The key name. */
  String name();

  /** The 4-byte key hash, as a big-endian int. */
  int keyHash();

  /** The verifier key string, {@code <name>+<hex key hash>+<base64(type || public key)>}. */
  String verifierKey();

  /**
   * Whether {@code signature} (the bytes after the key hash in a signature line) is a valid
   * signature by this key over the note {@code text}.
   */
  boolean verify(String text, byte[] signature);

  /** {@code name+hexhash}. */
  default String keyId() {
    return name() + "+" + HexFormat.of().toHexDigits(keyHash());
  }

  /**
   * Parses a verifier key string as published by a log or a cosigner, e.g.
   * {@code PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW}. The type byte
   * selects the kind: 0x01 a note verifier, 0x04 a cosignature verifier.
   *
   * @throws IllegalArgumentException saying which part is malformed or does not match
   */
  static NoteVerifier parse(String verifierKey) {
    String[] parts = verifierKey.split("\\+", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("verifier key must be <name>+<hex key hash>+<base64 key>, separated by '+'");
    }
    String name = KeyNames.require(parts[0]);
    byte[] key = VerifierKeys.decodeKey(parts[2], "verifier key");
    if (key.length != 1 + Ed25519.KEY_BYTES) {
      throw new IllegalArgumentException("verifier key holds " + key.length
          + " bytes: allowed is a type byte and a 32-byte Ed25519 key (33 bytes)");
    }
    byte[] raw = new byte[Ed25519.KEY_BYTES];
    System.arraycopy(key, 1, raw, 0, raw.length);
    NoteVerifier verifier = switch (key[0]) {
      case KeyNames.ED25519 -> new Ed25519NoteVerifier(name, Ed25519.publicKey(raw));
      case KeyNames.COSIGNATURE_V1 -> new CosignatureVerifier(name, Ed25519.publicKey(raw));
      default -> throw new IllegalArgumentException("verifier key type 0x" + HexFormat.of().toHexDigits(key[0])
          + " is not supported: allowed are 0x01 (Ed25519) and 0x04 (Ed25519 cosignature/v1)");
    };
    VerifierKeys.requireHash(parts[1], verifier.keyHash(), "verifier key");
    return verifier;
  }
}
