package dev.shoal.ledger;

import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Verifies plain Ed25519 note signatures (C2SP signed-note, type 0x01): the signature is over
 * the note text's UTF-8 bytes.
 *
 * @param name the key name
 * @param publicKey the Ed25519 public key
 */
public record Ed25519NoteVerifier(String name, PublicKey publicKey) implements NoteVerifier {

  public Ed25519NoteVerifier {
    KeyNames.require(name);
    Ed25519.rawPublic(publicKey);
  }

  @Override
  public int keyHash() {
    return KeyNames.keyHash(name, KeyNames.ED25519, Ed25519.rawPublic(publicKey));
  }

  @Override
  public String verifierKey() {
    byte[] key = ByteBuffer.allocate(1 + Ed25519.KEY_BYTES).put(KeyNames.ED25519).put(Ed25519.rawPublic(publicKey)).array();
    return name + "+" + HexFormat.of().toHexDigits(keyHash()) + "+" + Base64.getEncoder().encodeToString(key);
  }

  @Override
  public boolean verify(String text, byte[] signature) {
    return Ed25519.verify(publicKey, Checkpoint.utf8(text), signature);
  }
}
