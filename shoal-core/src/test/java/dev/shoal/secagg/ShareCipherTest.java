package dev.shoal.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShareCipherTest {

  private final SecureRandom random = new SecureRandom();
  private final byte[] message = "share of client 7's seed: x=3, y=...".getBytes(StandardCharsets.UTF_8);
  private byte[] aliceSecret;
  private byte[] bobSecret;

  @BeforeEach
  void agree() throws Exception {
    KeyPair alice = KeyAgreement.generate(random);
    KeyPair bob = KeyAgreement.generate(random);
    aliceSecret = KeyAgreement.sharedSecret(alice.getPrivate(), bob.getPublic());
    bobSecret = KeyAgreement.sharedSecret(bob.getPrivate(), alice.getPublic());
  }

  @Test
  void theReceiverOpensWhatTheSenderSealed() throws Exception {
    byte[] sealed = ShareCipher.forMessage(aliceSecret, "alice", "bob", 3).seal(message, random);
    assertThat(sealed).hasSize(ShareCipher.NONCE_BYTES + message.length + 16);
    assertThat(ShareCipher.forMessage(bobSecret, "alice", "bob", 3).open(sealed)).isEqualTo(message);
  }

  @Test
  void emptyMessagesRoundTrip() throws Exception {
    byte[] sealed = ShareCipher.forMessage(aliceSecret, "alice", "bob", 0).seal(new byte[0], random);
    assertThat(ShareCipher.forMessage(bobSecret, "alice", "bob", 0).open(sealed)).isEmpty();
  }

  @Test
  void everySealUsesAFreshNonce() {
    ShareCipher c = ShareCipher.forMessage(aliceSecret, "alice", "bob", 3);
    assertThat(c.seal(message, random)).isNotEqualTo(c.seal(message, random));
  }

  @Test
  void anyFlippedBitInNonceCiphertextOrTagIsDetected() {
    byte[] sealed = ShareCipher.forMessage(aliceSecret, "alice", "bob", 3).seal(message, random);
    ShareCipher receiver = ShareCipher.forMessage(bobSecret, "alice", "bob", 3);
    for (int i = 0; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= (byte) (1 << (i % 8));
      assertThatThrownBy(() -> receiver.open(tampered))
          .as("flipped byte %d", i)
          .isInstanceOf(TamperedShareException.class)
          .hasMessageContaining("does not authenticate")
          .hasCauseInstanceOf(AEADBadTagException.class);
    }
  }

  @Test
  void truncatedMessagesAreDetected() {
    byte[] sealed = ShareCipher.forMessage(aliceSecret, "alice", "bob", 3).seal(message, random);
    ShareCipher receiver = ShareCipher.forMessage(bobSecret, "alice", "bob", 3);
    assertThatThrownBy(() -> receiver.open(java.util.Arrays.copyOf(sealed, sealed.length - 1)))
        .isInstanceOf(TamperedShareException.class);
    assertThatThrownBy(() -> receiver.open(new byte[27]))
        .isInstanceOf(TamperedShareException.class).hasMessageContaining("at least 28 bytes");
  }

  @Test
  void anotherSenderReceiverOrRoundDoesNotOpen() {
    byte[] sealed = ShareCipher.forMessage(aliceSecret, "alice", "bob", 3).seal(message, random);
    for (ShareCipher wrong : new ShareCipher[] {
        ShareCipher.forMessage(bobSecret, "alice", "bob", 4),
        ShareCipher.forMessage(bobSecret, "bob", "alice", 3),
        ShareCipher.forMessage(bobSecret, "carol", "bob", 3),
        ShareCipher.forMessage(bobSecret, "alice", "carol", 3),
        ShareCipher.forMessage(new byte[32], "alice", "bob", 3)}) {
      assertThatThrownBy(() -> wrong.open(sealed)).isInstanceOf(TamperedShareException.class);
    }
  }

  @Test
  void tamperedAssociatedDataUnderTheRightKeyIsDetected() throws Exception {
    SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
    byte[] nonce = new byte[ShareCipher.NONCE_BYTES];
    byte[] ad = ShareCipher.binding("alice", "bob", 3);
    byte[] sealed = ShareCipher.seal(key, nonce, ad, message);
    assertThat(ShareCipher.open(key, ad, sealed)).isEqualTo(message);
    assertThatThrownBy(() -> ShareCipher.open(key, ShareCipher.binding("alice", "bob", 2), sealed))
        .isInstanceOf(TamperedShareException.class);
    assertThatThrownBy(() -> ShareCipher.open(key, ShareCipher.binding("mallory", "bob", 3), sealed))
        .isInstanceOf(TamperedShareException.class);
  }

  @Test
  void theBindingIsUnambiguous() {
    assertThat(ShareCipher.binding("ab", "c", 1)).isNotEqualTo(ShareCipher.binding("a", "bc", 1));
    assertThat(ShareCipher.binding("a", "b", 1)).isNotEqualTo(ShareCipher.binding("b", "a", 1));
  }

  @Test
  void refusesASharedSecretOfTheWrongLength() {
    assertThatThrownBy(() -> ShareCipher.forMessage(new byte[16], "a", "b", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
  }
}
