package dev.shoal.secagg;

import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * The plaintext one client seals for one neighbour: its share of the self-mask seed and its
 * share of the masking private key. Fixed length: per share, threshold and x as 4 bytes each and
 * y as 66 bytes big-endian (p = 2^521 − 1 fits in 66 bytes).
 */
record ShareMessage(Shamir.Share selfMaskShare, Shamir.Share keyShare) {

  static final int Y_BYTES = 66;
  static final int BYTES = 2 * (8 + Y_BYTES);
  /** Length of a sealed share message: nonce, ciphertext, tag. */
  static final int SEALED_BYTES = ShareCipher.NONCE_BYTES + BYTES + ShareCipher.TAG_BITS / 8;

  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(BYTES);
    put(b, selfMaskShare);
    put(b, keyShare);
    return b.array();
  }

  static ShareMessage decode(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a share message is " + BYTES + " bytes, got " + bytes.length);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new ShareMessage(get(b), get(b));
  }

  private static void put(ByteBuffer b, Shamir.Share s) {
    b.putInt(s.threshold()).putInt(s.x());
    byte[] y = s.y().toByteArray();
    int skip = y.length > Y_BYTES ? y.length - Y_BYTES : 0; // a sign byte
    b.position(b.position() + Y_BYTES - (y.length - skip));
    b.put(y, skip, y.length - skip);
  }

  private static Shamir.Share get(ByteBuffer b) {
    int threshold = b.getInt();
    int x = b.getInt();
    byte[] y = new byte[Y_BYTES];
    b.get(y);
    return new Shamir.Share(threshold, x, new BigInteger(1, y));
  }
}
