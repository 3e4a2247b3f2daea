package dev.shoal.ledger;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/** Ed25519 through the JDK: raw 32-byte keys and deterministic signatures. */
final class Ed25519 {

  static final int KEY_BYTES = 32;
  static final int SIGNATURE_BYTES = 64;
  /** DER prefix of an X.509 SubjectPublicKeyInfo holding a raw Ed25519 key. */
  private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  /** DER prefix of a PKCS#8 PrivateKeyInfo holding a raw Ed25519 seed. */
  private static final byte[] PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
      0x04, 0x22, 0x04, 0x20};

  private Ed25519() {}

  static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides no Ed25519", e);
    }
  }

  /** The key pair whose private key is this 32-byte seed (RFC 8032 §5.1.5). */
  static KeyPair fromSeed(byte[] seed) {
    if (seed.length != KEY_BYTES) {
      throw new IllegalArgumentException("Ed25519 seed has " + seed.length + " bytes: it must have " + KEY_BYTES);
    }
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
      gen.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
      return gen.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK provides no Ed25519", e);
    }
  }

  static byte[] rawPublic(PublicKey key) {
    byte[] der = key.getEncoded();
    if (!"Ed25519".equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm())
        || der.length != SPKI_PREFIX.length + KEY_BYTES) {
      throw new IllegalArgumentException("key is not an Ed25519 public key: algorithm " + key.getAlgorithm());
    }
    return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
  }

  static byte[] rawSeed(PrivateKey key) {
    byte[] der = key.getEncoded();
    if (der == null || der.length != PKCS8_PREFIX.length + KEY_BYTES) {
      throw new IllegalArgumentException("key is not an exportable Ed25519 private key");
    }
    return Arrays.copyOfRange(der, PKCS8_PREFIX.length, der.length);
  }

  static PublicKey publicKey(byte[] raw) {
    if (raw.length != KEY_BYTES) {
      throw new IllegalArgumentException("Ed25519 public key has " + raw.length + " bytes: it must have " + KEY_BYTES);
    }
    byte[] der = new byte[SPKI_PREFIX.length + KEY_BYTES];
    System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
    System.arraycopy(raw, 0, der, SPKI_PREFIX.length, KEY_BYTES);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("bytes are not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  static byte[] sign(PrivateKey key, byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("key cannot sign with Ed25519: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    if (signature.length != SIGNATURE_BYTES) {
      return false;
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (SignatureException | InvalidKeyException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 verification failed to run", e);
    }
  }

  /** A source of randomness that yields one fixed seed: how the JDK derives a key pair from it. */
  private static final class FixedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;

    FixedRandom(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) {
        throw new IllegalStateException("Ed25519 key generation asked for " + bytes.length + " random bytes");
      }
      System.arraycopy(seed, 0, bytes, 0, seed.length);
    }
  }
}
