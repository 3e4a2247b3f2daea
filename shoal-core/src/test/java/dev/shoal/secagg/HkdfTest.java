package dev.shoal.secagg;

import static dev.shoal.secagg.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RFC 5869, Appendix A, test cases 1 to 3 (SHA-256). */
class HkdfTest {

  private static byte[] range(int from, int toExclusive) {
    byte[] b = new byte[toExclusive - from];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  @Test
  void rfc5869TestCase1() {
    byte[] ikm = bytes("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = bytes("000102030405060708090a0b0c");
    byte[] info = bytes("f0f1f2f3f4f5f6f7f8f9");
    byte[] prk = Hkdf.extract(salt, ikm);
    assertThat(prk).isEqualTo(bytes("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"));
    assertThat(Hkdf.expand(prk, info, 42)).isEqualTo(bytes(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"));
  }

  @Test
  void rfc5869TestCase2LongInputs() {
    byte[] ikm = range(0x00, 0x50);
    byte[] salt = range(0x60, 0xb0);
    byte[] info = range(0xb0, 0x100);
    byte[] prk = Hkdf.extract(salt, ikm);
    assertThat(prk).isEqualTo(bytes("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244"));
    assertThat(Hkdf.expand(prk, info, 82)).isEqualTo(bytes(
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
            + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
            + "cc30c58179ec3e87c14c01d5c1f3434f1d87"));
  }

  @Test
  void rfc5869TestCase3EmptySaltAndInfo() {
    byte[] ikm = bytes("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] prk = Hkdf.extract(new byte[0], ikm);
    assertThat(prk).isEqualTo(bytes("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04"));
    assertThat(Hkdf.derive(null, ikm, new byte[0], 42)).isEqualTo(bytes(
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"));
  }

  @Test
  void shorterOutputIsAPrefix() {
    byte[] prk = Hkdf.extract(null, new byte[] {1, 2, 3});
    byte[] longer = Hkdf.expand(prk, new byte[] {9}, 100);
    assertThat(Hkdf.expand(prk, new byte[] {9}, 33)).isEqualTo(java.util.Arrays.copyOf(longer, 33));
  }

  @Test
  void refusesOutputBeyond255Blocks() {
    byte[] prk = Hkdf.extract(null, new byte[] {1});
    assertThat(Hkdf.expand(prk, null, Hkdf.MAX_OUTPUT_BYTES)).hasSize(8160);
    assertThatThrownBy(() -> Hkdf.expand(prk, null, Hkdf.MAX_OUTPUT_BYTES + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("8160");
  }
}
