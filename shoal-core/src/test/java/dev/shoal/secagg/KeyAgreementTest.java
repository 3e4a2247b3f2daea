package dev.shoal.secagg;

import static dev.shoal.secagg.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** X25519 against RFC 7748 §6.1, and the raw encodings. */
class KeyAgreementTest {

  static final byte[] ALICE_PRIVATE = bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  static final byte[] ALICE_PUBLIC = bytes("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  static final byte[] BOB_PRIVATE = bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  static final byte[] BOB_PUBLIC = bytes("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  static final byte[] SHARED_K = bytes("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

  @Test
  void rfc7748PublicKeysFromPrivateKeys() {
    assertThat(KeyAgreement.encodePublic(KeyAgreement.publicKeyOf(KeyAgreement.decodePrivate(ALICE_PRIVATE))))
        .isEqualTo(ALICE_PUBLIC);
    assertThat(KeyAgreement.encodePublic(KeyAgreement.publicKeyOf(KeyAgreement.decodePrivate(BOB_PRIVATE))))
        .isEqualTo(BOB_PUBLIC);
  }

  @Test
  void rfc7748SharedSecretBothWays() throws Exception {
    PrivateKey a = KeyAgreement.decodePrivate(ALICE_PRIVATE);
    PrivateKey b = KeyAgreement.decodePrivate(BOB_PRIVATE);
    assertThat(KeyAgreement.sharedSecret(a, KeyAgreement.decodePublic(BOB_PUBLIC))).isEqualTo(SHARED_K);
    assertThat(KeyAgreement.sharedSecret(b, KeyAgreement.decodePublic(ALICE_PUBLIC))).isEqualTo(SHARED_K);
  }

  @Test
  void rawEncodingsRoundTrip() {
    assertThat(KeyAgreement.encodePublic(KeyAgreement.decodePublic(ALICE_PUBLIC))).isEqualTo(ALICE_PUBLIC);
    assertThat(KeyAgreement.encodePrivate(KeyAgreement.decodePrivate(BOB_PRIVATE))).isEqualTo(BOB_PRIVATE);
  }

  @Test
  void generatedPairsAgree() throws Exception {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 20; i++) {
      KeyPair u = KeyAgreement.generate(random);
      KeyPair v = KeyAgreement.generate(random);
      byte[] uv = KeyAgreement.sharedSecret(u.getPrivate(), KeyAgreement.decodePublic(KeyAgreement.encodePublic(v.getPublic())));
      byte[] vu = KeyAgreement.sharedSecret(v.getPrivate(), u.getPublic());
      assertThat(uv).hasSize(32).isEqualTo(vu);
      // the private key survives its raw encoding (this is what gets secret-shared)
      PrivateKey back = KeyAgreement.decodePrivate(KeyAgreement.encodePrivate(u.getPrivate()));
      assertThat(KeyAgreement.encodePublic(KeyAgreement.publicKeyOf(back)))
          .isEqualTo(KeyAgreement.encodePublic(u.getPublic()));
    }
  }

  @Test
  void decodingIgnoresTheTopBit() {
    byte[] high = ALICE_PUBLIC.clone();
    high[31] |= (byte) 0x80;
    assertThat(KeyAgreement.encodePublic(KeyAgreement.decodePublic(high))).isEqualTo(ALICE_PUBLIC);
  }

  @Test
  void refusesWrongLengthsAndLowOrderPoints() {
    assertThatThrownBy(() -> KeyAgreement.decodePublic(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes, got 31");
    assertThatThrownBy(() -> KeyAgreement.decodePrivate(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes, got 33");
    PublicKey zero = KeyAgreement.decodePublic(new byte[32]); // u = 0 has small order
    assertThatThrownBy(() -> KeyAgreement.sharedSecret(KeyAgreement.decodePrivate(ALICE_PRIVATE), zero))
        .isInstanceOf(InvalidKeyException.class);
  }
}
