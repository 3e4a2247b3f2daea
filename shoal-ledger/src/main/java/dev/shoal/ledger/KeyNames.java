package dev.shoal.ledger;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/** Key names and key hashes shared by note signers, cosigners and verifiers. */
final class KeyNames {

  /** Signature type byte of an Ed25519 note signature (C2SP signed-note). */
  static final byte ED25519 = 0x01;
  /** Signature type byte of an Ed25519 timestamped cosignature (C2SP tlog-cosignature v1). */
  static final byte COSIGNATURE_V1 = 0x04;

  private KeyNames() {}

  /** A key name is non-empty and contains no whitespace and no '+'. */
  static boolean valid(String name) {
    return name != null && !name.isEmpty() && name.indexOf('+') < 0
        && name.codePoints().noneMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp)
            || Character.isISOControl(cp));
  }

  static String require(String name) {
    if (!valid(name)) {
      throw new IllegalArgumentException("key name " + (name == null ? "null" : "\"" + name + "\"")
          + " is not allowed: it must be non-empty with no spaces and no '+'");
    }
    return name;
  }

  /** {@code SHA-256(name || 0x0A || type || publicKey)[:4]} as a big-endian int. */
  static int keyHash(String name, byte type, byte[] publicKey) {
    MessageDigest sha = MerkleTree.sha256();
    sha.update(Checkpoint.utf8(name));
    sha.update((byte) '\n');
    sha.update(type);
    sha.update(publicKey);
    return ByteBuffer.wrap(sha.digest(), 0, 4).getInt();
  }
}
