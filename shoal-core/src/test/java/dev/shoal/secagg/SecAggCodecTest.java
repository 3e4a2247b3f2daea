package dev.shoal.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.secagg.SecAggReply.Keys;
import dev.shoal.secagg.SecAggReply.MaskedInput;
import dev.shoal.secagg.SecAggReply.Shares;
import dev.shoal.secagg.SecAggReply.Unmasking;
import dev.shoal.secagg.SecAggRequest.AdvertiseKeys;
import dev.shoal.secagg.SecAggRequest.MaskInput;
import dev.shoal.secagg.SecAggRequest.ShareKeys;
import dev.shoal.secagg.SecAggRequest.Unmask;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.UniqueElements;

class SecAggCodecTest {

  @Property(tries = 200)
  void requestsRoundTrip(
      @ForAll @Size(max = 8) @UniqueElements List<@StringLength(min = 1, max = 12) String> names,
      @ForAll int round, @ForAll long seed) {
    Random r = new Random(seed);
    SecAggParams p = new SecAggParams(1 + r.nextInt(32), 0.5 + r.nextDouble(), 1 + r.nextInt(1000), 1 + r.nextInt(50),
        1 + r.nextInt(50));
    Map<String, Keys> keys = new HashMap<>();
    Map<String, byte[]> sealed = new HashMap<>();
    for (String n : names) {
      keys.put(n, new Keys(bytes(r, 32), bytes(r, 32)));
      sealed.put(n, bytes(r, r.nextInt(200)));
    }
    int half = names.size() / 2;
    for (SecAggRequest m : List.of(new AdvertiseKeys(round, p, names), new ShareKeys(keys), new MaskInput(sealed),
        new Unmask(names.subList(0, half), names.subList(half, names.size())))) {
      byte[] encoded = SecAggCodec.encode(m);
      assertThat(encoded).hasSize(SecAggCodec.encodedSize(m));
      assertThat(SecAggCodec.decodeRequest(encoded)).usingRecursiveComparison().isEqualTo(m);
    }
  }

  @Property(tries = 200)
  void repliesRoundTrip(
      @ForAll @Size(max = 8) @UniqueElements List<@StringLength(min = 1, max = 12) String> names,
      @ForAll @IntRange(max = 3000) int length, @ForAll long seed) {
    Random r = new Random(seed);
    Map<String, byte[]> sealed = new HashMap<>();
    Map<String, Shamir.Share> a = new HashMap<>();
    Map<String, Shamir.Share> b = new HashMap<>();
    for (String n : names) {
      sealed.put(n, bytes(r, r.nextInt(200)));
      (r.nextBoolean() ? a : b).put(n, new Shamir.Share(1 + r.nextInt(100), 1 + r.nextInt(100),
          new BigInteger(521, r).mod(Shamir.PRIME)));
    }
    int[] masked = r.ints(length).toArray();
    for (SecAggReply m : List.of(new Keys(bytes(r, 32), bytes(r, 32)), new Shares(sealed), new MaskedInput(masked),
        new Unmasking(a, b))) {
      byte[] encoded = SecAggCodec.encode(m);
      assertThat(encoded).hasSize(SecAggCodec.encodedSize(m));
      assertThat(SecAggCodec.decodeReply(encoded)).usingRecursiveComparison().isEqualTo(m);
    }
  }

  @Example
  void aMaskedInputCostsFourBytesPerValuePlusFive() {
    assertThat(SecAggCodec.encode(new MaskedInput(new int[1000]))).hasSize(4005);
  }

  @Example
  void everyTruncationIsRefused() {
    SecAggRequest req = new AdvertiseKeys(3, SecAggParams.defaults(10), List.of("alpha", "beta", "gamma"));
    byte[] full = SecAggCodec.encode(req);
    for (int n = 0; n < full.length; n++) {
      byte[] cut = Arrays.copyOf(full, n);
      assertThatThrownBy(() -> SecAggCodec.decodeRequest(cut)).as("%d bytes", n)
          .isInstanceOf(SecAggFormatException.class);
    }
    SecAggReply rep = new Unmasking(Map.of("a", new Shamir.Share(2, 1, BigInteger.TEN)), Map.of());
    byte[] fullReply = SecAggCodec.encode(rep);
    for (int n = 0; n < fullReply.length; n++) {
      byte[] cut = Arrays.copyOf(fullReply, n);
      assertThatThrownBy(() -> SecAggCodec.decodeReply(cut)).as("%d bytes", n)
          .isInstanceOf(SecAggFormatException.class);
    }
  }

  @Example
  void malformedMessagesAreRefusedSayingWhy() {
    assertThatThrownBy(() -> SecAggCodec.decodeRequest(new byte[0])).isInstanceOf(SecAggFormatException.class)
        .hasMessageContaining("empty message");
    assertThatThrownBy(() -> SecAggCodec.decodeRequest(new byte[] {0x11})).hasMessageContaining("unknown request tag 0x11");
    assertThatThrownBy(() -> SecAggCodec.decodeReply(new byte[] {0x01})).hasMessageContaining("unknown reply tag 0x01");

    byte[] trailing = Arrays.copyOf(SecAggCodec.encode(new Keys(new byte[32], new byte[32])), 66);
    assertThatThrownBy(() -> SecAggCodec.decodeReply(trailing)).hasMessageContaining("1 bytes follow the end");

    byte[] hugeCount = {0x13, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThatThrownBy(() -> SecAggCodec.decodeReply(hugeCount))
        .hasMessageContaining("a count of 2147483647 items does not fit in the 0 bytes left");
    byte[] negativeCount = {0x13, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThatThrownBy(() -> SecAggCodec.decodeReply(negativeCount)).hasMessageContaining("a count of -1 items");

    byte[] badParams = SecAggCodec.encode(new AdvertiseKeys(1, new SecAggParams(32, 1, 1, 2, 2), List.of("a", "b")));
    badParams[1 + 4 + 3] = 40; // bits = 40
    assertThatThrownBy(() -> SecAggCodec.decodeRequest(badParams)).isInstanceOf(SecAggFormatException.class)
        .hasMessageContaining("bits must be in 1..32");

    byte[] twice = SecAggCodec.encode(new Unmask(List.of("a"), List.of()));
    byte[] dup = SecAggCodec.encode(new MaskInput(Map.of("a", new byte[1], "b", new byte[1])));
    dup[1 + 4 + 2 + 1 + 4 + 1 + 2] = 'a'; // rename b to a
    assertThat(twice).isNotEmpty();
    assertThatThrownBy(() -> SecAggCodec.decodeRequest(dup)).hasMessageContaining("a appears twice");

    byte[] badUtf8 = SecAggCodec.encode(new Unmask(List.of("a"), List.of()));
    badUtf8[1 + 4 + 2] = (byte) 0xff;
    assertThatThrownBy(() -> SecAggCodec.decodeRequest(badUtf8)).hasMessageContaining("not valid UTF-8");

    byte[] longY = SecAggCodec.encode(new Unmasking(Map.of("a", new Shamir.Share(2, 1, BigInteger.ONE)), Map.of()));
    longY[1 + 4 + 3 + 8] = 67;
    assertThatThrownBy(() -> SecAggCodec.decodeReply(longY)).hasMessageContaining("at most 66 bytes, got 67");

    byte[] zeroX = SecAggCodec.encode(new Unmasking(Map.of("a", new Shamir.Share(2, 1, BigInteger.ONE)), Map.of()));
    zeroX[1 + 4 + 3 + 7] = 0;
    assertThatThrownBy(() -> SecAggCodec.decodeReply(zeroX)).isInstanceOf(SecAggFormatException.class)
        .hasMessageContaining("share x must be non-zero");
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
