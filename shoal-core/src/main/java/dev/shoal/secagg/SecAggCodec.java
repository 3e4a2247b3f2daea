package dev.shoal.secagg;

import dev.shoal.secagg.SecAggReply.Keys;
import dev.shoal.secagg.SecAggReply.MaskedInput;
import dev.shoal.secagg.SecAggReply.Shares;
import dev.shoal.secagg.SecAggReply.Unmasking;
import dev.shoal.secagg.SecAggRequest.AdvertiseKeys;
import dev.shoal.secagg.SecAggRequest.MaskInput;
import dev.shoal.secagg.SecAggRequest.ShareKeys;
import dev.shoal.secagg.SecAggRequest.Unmask;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The compact binary form of every secure aggregation message, for a transport to carry as
 * opaque bytes. Big-endian throughout. A message is one tag byte, then its fields:
 *
 * <pre>
 * 0x01 AdvertiseKeys  i32 round, params (i32 bits, f64 clip, i32 levels, i32 degree, i32 threshold), names
 * 0x02 ShareKeys      i32 count, count × (name, 32-byte encryption key, 32-byte masking key)
 * 0x03 MaskInput      i32 count, count × (name, bytes)
 * 0x04 Unmask         names (survivors), names (dropped)
 * 0x11 Keys           32-byte encryption key, 32-byte masking key
 * 0x12 Shares         i32 count, count × (name, bytes)
 * 0x13 MaskedInput    i32 length, length × i32
 * 0x14 Unmasking      shares (self mask), shares (keys)
 *
 * name   = u16 length, UTF-8 (1..65535 bytes)      names = i32 count, count × name
 * bytes  = i32 length, bytes                        shares = i32 count, count × (name, share)
 * share  = i32 threshold, i32 x, u8 length, y big-endian unsigned (at most 66 bytes)
 * </pre>
 *
 * Decoding checks every count and length against the bytes left and refuses trailing bytes,
 * repeated names and values the records refuse, with a {@link SecAggFormatException}.
 */
public final class SecAggCodec {

  private static final byte ADVERTISE_KEYS = 0x01;
  private static final byte SHARE_KEYS = 0x02;
  private static final byte MASK_INPUT = 0x03;
  private static final byte UNMASK = 0x04;
  private static final byte KEYS = 0x11;
  private static final byte SHARES = 0x12;
  private static final byte MASKED_INPUT = 0x13;
  private static final byte UNMASKING = 0x14;
  private static final int PARAMS_BYTES = 4 + 8 + 4 + 4 + 4;
  private static final int MAX_Y_BYTES = 66;

  private SecAggCodec() {}

  /** The encoded length of a request, without encoding it. */
  public static int encodedSize(SecAggRequest request) {
    return 1 + switch (request) {
      case AdvertiseKeys r -> 4 + PARAMS_BYTES + namesSize(r.neighbours());
      case ShareKeys r -> {
        long n = 4;
        for (String v : r.neighbourKeys().keySet()) {
          n += nameSize(v) + 2 * KeyAgreement.KEY_BYTES;
        }
        yield Math.toIntExact(n);
      }
      case MaskInput r -> bytesMapSize(r.sealedBySender());
      case Unmask r -> namesSize(r.survivors()) + namesSize(r.dropped());
    };
  }

  /** The encoded length of a reply, without encoding it. */
  public static int encodedSize(SecAggReply reply) {
    return 1 + switch (reply) {
      case Keys r -> 2 * KeyAgreement.KEY_BYTES;
      case Shares r -> bytesMapSize(r.sealedByReceiver());
      case MaskedInput r -> Math.toIntExact(4 + 4L * r.masked().length);
      case Unmasking r -> sharesSize(r.selfMaskShares()) + sharesSize(r.keyShares());
    };
  }

  public static byte[] encode(SecAggRequest request) {
    ByteBuffer b = ByteBuffer.allocate(encodedSize(request));
    switch (request) {
      case AdvertiseKeys r -> {
        b.put(ADVERTISE_KEYS).putInt(r.round());
        SecAggParams p = r.params();
        b.putInt(p.bits()).putDouble(p.clip()).putInt(p.levels()).putInt(p.degree()).putInt(p.threshold());
        putNames(b, r.neighbours());
      }
      case ShareKeys r -> {
        b.put(SHARE_KEYS).putInt(r.neighbourKeys().size());
        for (var e : new TreeMap<>(r.neighbourKeys()).entrySet()) {
          putName(b, e.getKey());
          putKey(b, e.getValue().encryptionKey());
          putKey(b, e.getValue().maskingKey());
        }
      }
      case MaskInput r -> putBytesMap(b.put(MASK_INPUT), r.sealedBySender());
      case Unmask r -> {
        putNames(b.put(UNMASK), r.survivors());
        putNames(b, r.dropped());
      }
    }
    return done(b);
  }

  public static byte[] encode(SecAggReply reply) {
    ByteBuffer b = ByteBuffer.allocate(encodedSize(reply));
    switch (reply) {
      case Keys r -> {
        b.put(KEYS);
        putKey(b, r.encryptionKey());
        putKey(b, r.maskingKey());
      }
      case Shares r -> putBytesMap(b.put(SHARES), r.sealedByReceiver());
      case MaskedInput r -> {
        b.put(MASKED_INPUT).putInt(r.masked().length);
        b.asIntBuffer().put(r.masked());
        b.position(b.position() + 4 * r.masked().length);
      }
      case Unmasking r -> {
        putShares(b.put(UNMASKING), r.selfMaskShares());
        putShares(b, r.keyShares());
      }
    }
    return done(b);
  }

  /** Decodes a request. @throws SecAggFormatException if the bytes are not one */
  public static SecAggRequest decodeRequest(byte[] bytes) {
    ByteBuffer b = wrap(bytes);
    try {
      byte tag = b.get();
      SecAggRequest r = switch (tag) {
        case ADVERTISE_KEYS -> {
          int round = b.getInt();
          SecAggParams params = new SecAggParams(b.getInt(), b.getDouble(), b.getInt(), b.getInt(), b.getInt());
          yield new AdvertiseKeys(round, params, getNames(b));
        }
        case SHARE_KEYS -> {
          int n = count(b, 2 + 1 + 2 * KeyAgreement.KEY_BYTES);
          Map<String, Keys> keys = new TreeMap<>();
          for (int i = 0; i < n; i++) {
            String name = getName(b);
            putOnce(keys, name, new Keys(getKey(b), getKey(b)));
          }
          yield new ShareKeys(keys);
        }
        case MASK_INPUT -> new MaskInput(getBytesMap(b));
        case UNMASK -> new Unmask(getNames(b), getNames(b));
        default -> throw new SecAggFormatException(
            "unknown request tag 0x%02x; requests are 0x01..0x04".formatted(tag));
      };
      return finish(b, r);
    } catch (BufferUnderflowException e) {
      throw new SecAggFormatException("the message ends early: " + bytes.length + " bytes are not a whole request", e);
    } catch (SecAggFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new SecAggFormatException("the message holds an invalid value: " + e.getMessage(), e);
    }
  }

  /** Decodes a reply. @throws SecAggFormatException if the bytes are not one */
  public static SecAggReply decodeReply(byte[] bytes) {
    ByteBuffer b = wrap(bytes);
    try {
      byte tag = b.get();
      SecAggReply r = switch (tag) {
        case KEYS -> new Keys(getKey(b), getKey(b));
        case SHARES -> new Shares(getBytesMap(b));
        case MASKED_INPUT -> {
          int n = count(b, 4);
          int[] masked = new int[n];
          b.asIntBuffer().get(masked);
          b.position(b.position() + 4 * n);
          yield new MaskedInput(masked);
        }
        case UNMASKING -> new Unmasking(getShares(b), getShares(b));
        default -> throw new SecAggFormatException(
            "unknown reply tag 0x%02x; replies are 0x11..0x14".formatted(tag));
      };
      return finish(b, r);
    } catch (BufferUnderflowException e) {
      throw new SecAggFormatException("the message ends early: " + bytes.length + " bytes are not a whole reply", e);
    } catch (SecAggFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new SecAggFormatException("the message holds an invalid value: " + e.getMessage(), e);
    }
  }

  private static ByteBuffer wrap(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new SecAggFormatException("an empty message: a message starts with its tag byte");
    }
    return ByteBuffer.wrap(bytes);
  }

  private static <T> T finish(ByteBuffer b, T message) {
    if (b.hasRemaining()) {
      throw new SecAggFormatException(b.remaining() + " bytes follow the end of the message");
    }
    return message;
  }

  private static byte[] done(ByteBuffer b) {
    if (b.hasRemaining()) {
      throw new IllegalStateException("encoded " + b.position() + " of " + b.capacity() + " bytes");
    }
    return b.array();
  }

  /** A count of items of at least {@code minItemBytes} each, checked against the bytes left. */
  private static int count(ByteBuffer b, int minItemBytes) {
    int n = b.getInt();
    if (n < 0 || (long) n * minItemBytes > b.remaining()) {
      throw new SecAggFormatException(
          "a count of " + n + " items does not fit in the " + b.remaining() + " bytes left");
    }
    return n;
  }

  private static int nameSize(String name) {
    int n = name.getBytes(StandardCharsets.UTF_8).length;
    if (n == 0 || n > 0xffff) {
      throw new IllegalArgumentException("a client name is 1..65535 bytes of UTF-8, got " + n);
    }
    return 2 + n;
  }

  private static void putName(ByteBuffer b, String name) {
    byte[] u = name.getBytes(StandardCharsets.UTF_8);
    b.putShort((short) u.length).put(u);
  }

  private static String getName(ByteBuffer b) {
    int n = Short.toUnsignedInt(b.getShort());
    if (n == 0 || n > b.remaining()) {
      throw new SecAggFormatException("a name of " + n + " bytes: names are 1..65535 bytes and must fit in the "
          + b.remaining() + " bytes left");
    }
    byte[] u = new byte[n];
    b.get(u);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(u)).toString();
    } catch (CharacterCodingException e) {
      throw new SecAggFormatException("a name is not valid UTF-8", e);
    }
  }

  private static int namesSize(List<String> names) {
    long n = 4;
    for (String s : names) {
      n += nameSize(s);
    }
    return Math.toIntExact(n);
  }

  private static void putNames(ByteBuffer b, List<String> names) {
    b.putInt(names.size());
    for (String s : names) {
      putName(b, s);
    }
  }

  private static List<String> getNames(ByteBuffer b) {
    int n = count(b, 3);
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(getName(b));
    }
    return names;
  }

  private static void putKey(ByteBuffer b, byte[] key) {
    if (key.length != KeyAgreement.KEY_BYTES) {
      throw new IllegalArgumentException("a public key is " + KeyAgreement.KEY_BYTES + " bytes, got " + key.length);
    }
    b.put(key);
  }

  private static byte[] getKey(ByteBuffer b) {
    byte[] k = new byte[KeyAgreement.KEY_BYTES];
    b.get(k);
    return k;
  }

  private static int bytesMapSize(Map<String, byte[]> map) {
    long n = 4;
    for (var e : map.entrySet()) {
      n += nameSize(e.getKey()) + 4L + e.getValue().length;
    }
    return Math.toIntExact(n);
  }

  private static void putBytesMap(ByteBuffer b, Map<String, byte[]> map) {
    b.putInt(map.size());
    for (var e : new TreeMap<>(map).entrySet()) {
      putName(b, e.getKey());
      b.putInt(e.getValue().length).put(e.getValue());
    }
  }

  private static Map<String, byte[]> getBytesMap(ByteBuffer b) {
    int n = count(b, 3 + 4);
    Map<String, byte[]> map = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      String name = getName(b);
      int len = b.getInt();
      if (len < 0 || len > b.remaining()) {
        throw new SecAggFormatException("a byte string of " + len + " bytes does not fit in the "
            + b.remaining() + " bytes left");
      }
      byte[] v = new byte[len];
      b.get(v);
      putOnce(map, name, v);
    }
    return map;
  }

  private static int sharesSize(Map<String, Shamir.Share> shares) {
    long n = 4;
    for (var e : shares.entrySet()) {
      n += nameSize(e.getKey()) + 4 + 4 + 1 + yBytes(e.getValue().y()).length;
    }
    return Math.toIntExact(n);
  }

  private static void putShares(ByteBuffer b, Map<String, Shamir.Share> shares) {
    b.putInt(shares.size());
    for (var e : new TreeMap<>(shares).entrySet()) {
      putName(b, e.getKey());
      Shamir.Share s = e.getValue();
      byte[] y = yBytes(s.y());
      b.putInt(s.threshold()).putInt(s.x()).put((byte) y.length).put(y);
    }
  }

  private static Map<String, Shamir.Share> getShares(ByteBuffer b) {
    int n = count(b, 3 + 9);
    Map<String, Shamir.Share> map = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      String name = getName(b);
      int threshold = b.getInt();
      int x = b.getInt();
      int len = Byte.toUnsignedInt(b.get());
      if (len > MAX_Y_BYTES) {
        throw new SecAggFormatException("a share value is at most " + MAX_Y_BYTES + " bytes, got " + len);
      }
      byte[] y = new byte[len];
      b.get(y);
      putOnce(map, name, new Shamir.Share(threshold, x, new BigInteger(1, y)));
    }
    return map;
  }

  /** y without a sign byte: at most 66 bytes for y &lt; 2^521. */
  private static byte[] yBytes(BigInteger y) {
    byte[] raw = y.toByteArray();
    if (raw.length > 1 && raw[0] == 0) {
      return java.util.Arrays.copyOfRange(raw, 1, raw.length);
    }
    return raw;
  }

  private static <V> void putOnce(Map<String, V> map, String name, V value) {
    if (map.putIfAbsent(name, value) != null) {
      throw new SecAggFormatException(name + " appears twice");
    }
  }
}
