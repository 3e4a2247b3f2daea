package dev.shoal.secagg;

import java.nio.charset.StandardCharsets;

/**
 * The seed of the pairwise mask between two clients: HKDF-SHA256 of their X25519 masking-key
 * secret, with the info string {@code "shoal-secagg mask v1"} followed by the binding of the pair
 * (the smaller name first, so both ends derive the same seed) and the round.
 */
final class PairSeeds {

  private static final byte[] INFO_PREFIX = "shoal-secagg mask v1".getBytes(StandardCharsets.US_ASCII);

  private PairSeeds() {}

  static byte[] derive(byte[] sharedSecret, String a, String b, long round) {
    boolean aFirst = a.compareTo(b) < 0;
    byte[] binding = ShareCipher.binding(aFirst ? a : b, aFirst ? b : a, round);
    byte[] info = new byte[INFO_PREFIX.length + binding.length];
    System.arraycopy(INFO_PREFIX, 0, info, 0, INFO_PREFIX.length);
    System.arraycopy(binding, 0, info, INFO_PREFIX.length, binding.length);
    return Hkdf.derive(null, sharedSecret, info, MaskGenerator.SEED_BYTES);
  }
}
