package dev.shoal.secagg;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticated encryption of a share message from one client to another, AES-256-GCM.
 *
 * <p>The key is HKDF-SHA256 of the pair's X25519 shared secret, with the info string {@code
 * "shoal-secagg share v1"} followed by the binding of (sender, receiver, round). The same binding
 * is the GCM associated data. The two directions of a pair get different keys, and a message
 * replayed into another round or attributed to another sender fails to open.
 *
 * <p>A sealed message is {@code nonce (12 bytes) || ciphertext || tag (16 bytes)}; the nonce is
 * random per message. Under one key random 96-bit nonces are safe for far more messages than a
 * round sends (one per peer).
 */
final class ShareCipher {

  public static final int NONCE_BYTES = 12;
  public static final int TAG_BITS = 128;
  private static final byte[] INFO_PREFIX = "shoal-secagg share v1".getBytes(StandardCharsets.US_ASCII);

  private final SecretKeySpec key;
  private final byte[] binding;

  private ShareCipher(SecretKeySpec key, byte[] binding) {
    this.key = key;
    this.binding = binding;
  }

  /**
   * The cipher for messages from {@code sender} to {@code receiver} in {@code round}. Both ends
   * build it with the same arguments (the receiver passes the sender's id as {@code sender}).
   */
  public static ShareCipher forMessage(byte[] sharedSecret, String sender, String receiver, long round) {
    if (sharedSecret == null || sharedSecret.length != KeyAgreement.KEY_BYTES) {
      throw new IllegalArgumentException("the shared secret is an X25519 output of " + KeyAgreement.KEY_BYTES + " bytes");
    }
    byte[] binding = binding(sender, receiver, round);
    byte[] info = new byte[INFO_PREFIX.length + binding.length];
    System.arraycopy(INFO_PREFIX, 0, info, 0, INFO_PREFIX.length);
    System.arraycopy(binding, 0, info, INFO_PREFIX.length, binding.length);
    byte[] k = Hkdf.derive(null, sharedSecret, info, 32);
    return new ShareCipher(new SecretKeySpec(k, "AES"), binding);
  }

  /** Encrypts {@code plaintext} under a fresh random nonce. */
  public byte[] seal(byte[] plaintext, SecureRandom random) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    return seal(key, nonce, binding, plaintext);
  }

  /**
   * Decrypts a sealed message.
   *
   * @throws TamperedShareException if it does not authenticate under this sender, receiver and round
   */
  public byte[] open(byte[] sealed) throws TamperedShareException {
    return open(key, binding, sealed);
  }

  static byte[] seal(SecretKeySpec key, byte[] nonce, byte[] associatedData, byte[] plaintext) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(associatedData);
      byte[] ct = c.doFinal(plaintext);
      byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + ct.length);
      System.arraycopy(ct, 0, out, NONCE_BYTES, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
  }

  static byte[] open(SecretKeySpec key, byte[] associatedData, byte[] sealed) throws TamperedShareException {
    if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new TamperedShareException(
          "a sealed share is at least " + (NONCE_BYTES + TAG_BITS / 8) + " bytes (nonce and tag), got "
              + (sealed == null ? "null" : sealed.length), null);
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
      c.updateAAD(associatedData);
      return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new TamperedShareException(
          "the share does not authenticate: its ciphertext, nonce, sender, receiver or round was altered", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
  }

  /** Length-prefixed UTF-8 sender and receiver, then the round as 8 bytes big-endian. */
  static byte[] binding(String sender, String receiver, long round) {
    if (sender == null || receiver == null) {
      throw new IllegalArgumentException("sender and receiver ids are required");
    }
    try {
      var bytes = new ByteArrayOutputStream();
      var out = new DataOutputStream(bytes);
      byte[] s = sender.getBytes(StandardCharsets.UTF_8);
      byte[] r = receiver.getBytes(StandardCharsets.UTF_8);
      out.writeInt(s.length);
      out.write(s);
      out.writeInt(r.length);
      out.write(r);
      out.writeLong(round);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
