package dev.shoal.ledger;

import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Verifies C2SP {@code tlog-cosignature} v1 signatures (type 0x04). The signature bytes are an
 * 8-byte big-endian timestamp followed by an Ed25519 signature over
 * <pre>
 * cosignature/v1
 * time &lt;timestamp&gt;
 * &lt;checkpoint text&gt;
 * </pre>
 *
 * @param name the cosigner's name
 * @param publicKey the cosigner's Ed25519 public key
 */
public record CosignatureVerifier(String name, PublicKey publicKey) implements NoteVerifier {

  static final int SIGNATURE_BYTES = 8 + Ed25519.SIGNATURE_BYTES;

  public CosignatureVerifier {
    KeyNames.require(name);
    Ed25519.rawPublic(publicKey);
  }

  @Override
  public int keyHash() {
    return KeyNames.keyHash(name, KeyNames.COSIGNATURE_V1, Ed25519.rawPublic(publicKey));
  }

  @Override
  public String verifierKey() {
    byte[] key = ByteBuffer.allocate(1 + Ed25519.KEY_BYTES).put(KeyNames.COSIGNATURE_V1)
        .put(Ed25519.rawPublic(publicKey)).array();
    return name + "+" + HexFormat.of().toHexDigits(keyHash()) + "+" + Base64.getEncoder().encodeToString(key);
  }

  @Override
  public boolean verify(String text, byte[] signature) {
    if (signature.length != SIGNATURE_BYTES) {
      return false;
    }
    long timestamp = ByteBuffer.wrap(signature, 0, 8).getLong();
    if (timestamp < 0) {
      return false;
    }
    byte[] sig = Arrays.copyOfRange(signature, 8, signature.length);
    return Ed25519.verify(publicKey, signedMessage(text, timestamp), sig);
  }

  /** The timestamp carried by a cosignature's bytes. */
  public static long timestamp(byte[] signature) {
    if (signature.length != SIGNATURE_BYTES) {
      throw new IllegalArgumentException("cosignature has " + signature.length + " bytes: a v1 Ed25519 cosignature has "
          + SIGNATURE_BYTES + " (8-byte timestamp and 64-byte signature)");
    }
    return ByteBuffer.wrap(signature, 0, 8).getLong();
  }

  /** {@code "cosignature/v1\ntime <timestamp>\n" + text}, as UTF-8. */
  static byte[] signedMessage(String text, long timestamp) {
    return Checkpoint.utf8("cosignature/v1\ntime " + timestamp + "\n" + text);
  }
}
