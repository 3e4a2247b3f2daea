package dev.shoal.secagg;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pseudorandom generator that expands a 32-byte seed into a mask: AES-256-CTR keystream
 * (key = seed, initial counter block zero) read as 32-bit big-endian words, each reduced to its
 * low k bits. Since 2<sup>k</sup> divides 2<sup>32</sup>, the reduction keeps every value
 * uniform in [0, 2<sup>k</sup>).
 *
 * <p>The zero counter block is safe because a seed is used for one mask only: secure aggregation
 * derives a fresh seed per pair and round, and a self-mask seed per client and round. Reusing a
 * seed for two vectors would reveal their difference.
 *
 * <p>Values are returned as {@code int}s holding the unsigned residue; for k = 32 read them with
 * {@link Integer#toUnsignedLong}. Arithmetic on them is done by {@link ModVectors}.
 */
final class MaskGenerator {

  public static final int SEED_BYTES = 32;
  private static final int CHUNK_WORDS = 4096;

  private MaskGenerator() {}

  /** {@code length} uniform values in [0, 2^32) from {@code seed}. */
  public static int[] expand(byte[] seed, int length) {
    return expand(seed, length, 32);
  }

  /** {@code length} uniform values in [0, 2^bits) from {@code seed}; 1 ≤ bits ≤ 32. */
  public static int[] expand(byte[] seed, int length, int bits) {
    if (length < 0) {
      throw new IllegalArgumentException("length must be non-negative, got " + length);
    }
    int[] out = new int[length];
    apply(seed, out, bits, 0);
    return out;
  }

  /**
   * {@code acc[i] = (acc[i] + mask[i]) mod 2^bits} for the mask {@link #expand} would give for
   * {@code acc.length}, without building it.
   */
  public static void addInto(int[] acc, byte[] seed, int bits) {
    apply(seed, acc, bits, 1);
  }

  /** {@code acc[i] = (acc[i] - mask[i]) mod 2^bits}, the inverse of {@link #addInto}. */
  public static void subtractInto(int[] acc, byte[] seed, int bits) {
    apply(seed, acc, bits, -1);
  }

  /** Writes (sign 0), adds (1) or subtracts (-1) the mask into {@code target}. */
  private static void apply(byte[] seed, int[] target, int bits, int sign) {
    if (seed == null || seed.length != SEED_BYTES) {
      throw new IllegalArgumentException(
          "a mask seed is " + SEED_BYTES + " bytes, got " + (seed == null ? "null" : seed.length));
    }
    int mask = ModVectors.mask(bits);
    int length = target.length;
    Cipher ctr = aesCtr(seed, new byte[16]);
    byte[] zeros = new byte[4 * Math.min(CHUNK_WORDS, Math.max(length, 1))];
    byte[] stream = new byte[zeros.length];
    for (int done = 0; done < length; ) {
      int words = Math.min(CHUNK_WORDS, length - done);
      try {
        int n = ctr.update(zeros, 0, 4 * words, stream, 0);
        if (n != 4 * words) {
          throw new IllegalStateException("AES-CTR returned " + n + " bytes for " + 4 * words);
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-CTR failed", e);
      }
      for (int w = 0; w < words; w++) {
        int b = 4 * w;
        int v = (stream[b] & 0xff) << 24 | (stream[b + 1] & 0xff) << 16 | (stream[b + 2] & 0xff) << 8 | (stream[b + 3] & 0xff);
        int i = done + w;
        target[i] = switch (sign) {
          case 0 -> v & mask;
          case 1 -> (target[i] + v) & mask;
          default -> (target[i] - v) & mask;
        };
      }
      done += words;
    }
  }

  /** The AES-256-CTR cipher (encrypt mode, which is also its keystream) for a key and counter block. */
  static Cipher aesCtr(byte[] key, byte[] initialCounter) {
    try {
      Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(initialCounter));
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK offers no AES-256-CTR", e);
    }
  }
}
