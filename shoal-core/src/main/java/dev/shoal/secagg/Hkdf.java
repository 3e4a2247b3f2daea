package dev.shoal.secagg;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA256 (RFC 5869): extract, expand, and both in one call. */
final class Hkdf {

  /** Output length of SHA-256, in bytes. */
  public static final int HASH_BYTES = 32;

  /** The longest output expand may produce: 255 blocks. */
  public static final int MAX_OUTPUT_BYTES = 255 * HASH_BYTES;

  private Hkdf() {}

  /**
   * HKDF-Extract: PRK = HMAC-SHA256(salt, ikm). An empty or null salt stands for 32 zero bytes.
   */
  public static byte[] extract(byte[] salt, byte[] ikm) {
    byte[] s = (salt == null || salt.length == 0) ? new byte[HASH_BYTES] : salt;
    Mac mac = hmac(s);
    return mac.doFinal(ikm);
  }

  /** HKDF-Expand: {@code length} bytes of T(1) || T(2) || ... from the pseudorandom key. */
  public static byte[] expand(byte[] prk, byte[] info, int length) {
    if (length < 0 || length > MAX_OUTPUT_BYTES) {
      throw new IllegalArgumentException("HKDF-SHA256 output is 0.." + MAX_OUTPUT_BYTES + " bytes, asked for " + length);
    }
    if (prk == null || prk.length < HASH_BYTES) {
      throw new IllegalArgumentException("the pseudorandom key must be at least " + HASH_BYTES + " bytes");
    }
    Mac mac = hmac(prk);
    byte[] in = info == null ? new byte[0] : info;
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    for (int i = 1, done = 0; done < length; i++) {
      mac.update(t);
      mac.update(in);
      mac.update((byte) i);
      t = mac.doFinal();
      int n = Math.min(t.length, length - done);
      System.arraycopy(t, 0, out, done, n);
      done += n;
    }
    return out;
  }

  /** Extract then expand. */
  public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
    return expand(extract(salt, ikm), info, length);
  }

  private static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK offers no HmacSHA256", e);
    }
  }
}
