package dev.shoal.ledger;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * One signature line of a C2SP signed note:
 * {@code — <name> base64(4-byte key hash || signature)}, where the line starts with an em dash
 * (U+2014) and a space.
 *
 * @param name the key name
 * @param keyHash the 4-byte key hash, as a big-endian int
 * @param signature the signature bytes after the key hash (for a cosignature, the 8-byte
 *     timestamp followed by the Ed25519 signature)
 */
public record NoteSignature(String name, int keyHash, byte[] signature) {

  public NoteSignature {
    KeyNames.require(name);
    if (signature == null || signature.length == 0) {
      throw new IllegalArgumentException("signature by " + name + " is empty");
    }
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The signature line, with its trailing newline. */
  public String line() {
    byte[] payload = ByteBuffer.allocate(4 + signature.length).putInt(keyHash).put(signature).array();
    return "\u2014 " + name + " " + Base64.getEncoder().encodeToString(payload) + "\n";
  }

  /** {@code name+hexhash}, as keys are named in messages. */
  public String keyId() {
    return name + "+" + String.format("%08x", keyHash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteSignature s && s.name.equals(name) && s.keyHash == keyHash
        && Arrays.equals(s.signature, signature);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + keyHash * 17 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "NoteSignature[" + keyId() + "]";
  }
}
