package dev.shoal.ledger;

import java.util.Base64;
import java.util.HexFormat;

/** Parsing helpers for key strings. */
final class VerifierKeys {

  private VerifierKeys() {}

  static byte[] decodeKey(String b64, String what) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " key material is not standard base64", e);
    }
    if (!Base64.getEncoder().encodeToString(key).equals(b64)) {
      throw new IllegalArgumentException(what + " key material is not canonical padded base64");
    }
    return key;
  }

  static void requireHash(String hex, int expected, String what) {
    if (!hex.matches("[0-9a-f]{8}")) {
      throw new IllegalArgumentException(what + " key hash \"" + hex + "\" must be 8 lowercase hex digits");
    }
    if (HexFormat.fromHexDigits(hex) != expected) {
      throw new IllegalArgumentException(what + " key hash " + hex + " does not match its name and key (expected "
          + HexFormat.of().toHexDigits(expected) + ")");
    }
  }
}
