package dev.shoal.secagg;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;

/**
 * X25519 Diffie-Hellman (RFC 7748) on the JDK's XDH provider, with keys in their raw 32-byte
 * encodings: a public key is its u-coordinate, little-endian; a private key is the 32-byte scalar
 * as generated (clamping is applied by the function, not stored).
 */
final class KeyAgreement {

  /** Length of a raw public key, private key and shared secret, in bytes. */
  public static final int KEY_BYTES = 32;

  private static final BigInteger BASE_POINT_U = BigInteger.valueOf(9);

  private KeyAgreement() {}

  /** A fresh X25519 key pair. */
  public static KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("X25519");
      g.initialize(NamedParameterSpec.X25519, random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK offers no X25519", e);
    }
  }

  /** The RFC 7748 encoding of a public key: its u-coordinate, 32 bytes little-endian. */
  public static byte[] encodePublic(PublicKey key) {
    if (!(key instanceof XECPublicKey xec)) {
      throw new IllegalArgumentException("not an X25519 public key: " + key.getAlgorithm());
    }
    byte[] bigEndian = xec.getU().toByteArray();
    byte[] out = new byte[KEY_BYTES];
    for (int i = 0; i < Math.min(bigEndian.length, KEY_BYTES); i++) {
      out[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return out;
  }

  /**
   * Decodes a 32-byte little-endian u-coordinate. As RFC 7748 §5 requires for X25519, the most
   * significant bit of the last byte is ignored.
   */
  public static PublicKey decodePublic(byte[] raw) {
    requireLength(raw, "public key");
    byte[] bigEndian = new byte[KEY_BYTES];
    for (int i = 0; i < KEY_BYTES; i++) {
      bigEndian[i] = raw[KEY_BYTES - 1 - i];
    }
    bigEndian[0] &= 0x7f;
    try {
      return KeyFactory.getInstance("XDH")
          .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndian)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an X25519 public key", e);
    }
  }

  /** The raw 32-byte scalar of a private key (the value to secret-share when a client may drop). */
  public static byte[] encodePrivate(PrivateKey key) {
    if (!(key instanceof XECPrivateKey xec) || xec.getScalar().isEmpty()) {
      throw new IllegalArgumentException("not an exportable X25519 private key");
    }
    return xec.getScalar().get();
  }

  /** A private key from its raw 32-byte scalar. */
  public static PrivateKey decodePrivate(byte[] raw) {
    requireLength(raw, "private key");
    try {
      return KeyFactory.getInstance("XDH")
          .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, raw.clone()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an X25519 private key", e);
    }
  }

  /** The public key that belongs to {@code privateKey}: X25519(k, 9). */
  public static PublicKey publicKeyOf(PrivateKey privateKey) {
    try {
      PublicKey base = KeyFactory.getInstance("XDH")
          .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BASE_POINT_U));
      return decodePublic(sharedSecret(privateKey, base));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK offers no X25519", e);
    }
  }

  /**
   * The 32-byte shared secret X25519(own private, peer public). Use it only through a KDF (see
   * {@link Hkdf}), never as a key directly.
   *
   * @throws InvalidKeyException if the peer's key is a low-order point (the result would be zero)
   */
  public static byte[] sharedSecret(PrivateKey own, PublicKey peer) throws InvalidKeyException {
    try {
      javax.crypto.KeyAgreement ka = javax.crypto.KeyAgreement.getInstance("X25519");
      ka.init(own);
      ka.doPhase(peer, true);
      return ka.generateSecret();
    } catch (InvalidKeyException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK offers no X25519", e);
    }
  }

  private static void requireLength(byte[] raw, String what) {
    if (raw == null || raw.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "an X25519 " + what + " is " + KEY_BYTES + " bytes, got " + (raw == null ? "null" : raw.length));
    }
  }
}
