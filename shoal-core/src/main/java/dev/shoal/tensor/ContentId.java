package dev.shoal.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content id: {@code sha256:<64 lowercase hex digits>} of some canonical bytes. */
public record ContentId(String value) {

  private static final Pattern FORMAT = Pattern.compile("sha256:[0-9a-f]{64}");

  public ContentId {
    if (!FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "not a content id: '" + value + "' (expected sha256: followed by 64 lowercase hex digits)");
    }
  }

  public static ContentId of(byte[] bytes) {
    return new ContentId("sha256:" + HexFormat.of().formatHex(sha256().digest(bytes)));
  }

  /** The id of a parameter set: the hash of its canonical safetensors encoding. */
  public static ContentId of(ParameterSet parameters) {
    MessageDigest sha256 = sha256();
    try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha256)) {
      Safetensors.write(parameters, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash a parameter set", e);
    }
    return of(sha256);
  }

  /** The id of the bytes {@code sha256} has digested. */
  public static ContentId of(MessageDigest sha256) {
    return new ContentId("sha256:" + HexFormat.of().formatHex(sha256.digest()));
  }

  /** A fresh SHA-256 digest. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /**
   * The same id as a CIDv1 (the {@code raw} codec, a sha2-256 multihash, base32 multibase), the
   * name IPFS tools give these bytes, e.g. {@code bafkrei…}.
   */
  public String cid() {
    byte[] digest = HexFormat.of().parseHex(value.substring("sha256:".length()));
    byte[] bytes = new byte[4 + digest.length];
    bytes[0] = 0x01; // CID version 1
    bytes[1] = 0x55; // multicodec raw
    bytes[2] = 0x12; // multihash sha2-256
    bytes[3] = 0x20; // 32 bytes
    System.arraycopy(digest, 0, bytes, 4, digest.length);
    return "b" + base32(bytes);
  }

  /** RFC 4648 base32, lower case, no padding. */
  private static String base32(byte[] bytes) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return value;
  }
}
